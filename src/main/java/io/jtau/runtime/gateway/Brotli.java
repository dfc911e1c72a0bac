package io.jtau.runtime.gateway;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.IOException;
import java.util.Optional;

/**
 * Brotli ({@code br}) through brotli4j's bundled native library, when that library loads on this
 * platform. Quality 11 for files up to 256 KiB, 6 above (the variant is computed once per file, on
 * a worker thread). Thread-safe.
 */
public final class Brotli implements WebsiteServer.Compressor {

  private Brotli() {}

  /** The compressor, or empty with the reason logged by the caller when the library is missing. */
  public static Optional<WebsiteServer.Compressor> load() {
    try {
      return Brotli4jLoader.isAvailable() ? Optional.of(new Brotli()) : Optional.empty();
    } catch (LinkageError e) {
      return Optional.empty();
    }
  }

  /** Why brotli is not available, for the log. */
  public static String unavailableReason() {
    try {
      Throwable t = Brotli4jLoader.getUnavailabilityCause();
      return t == null ? "unknown" : t.toString();
    } catch (LinkageError e) {
      return e.toString();
    }
  }

  @Override
  public String encoding() {
    return "br";
  }

  @Override
  public byte[] compress(byte[] data) throws IOException {
    int quality = data.length <= 256 * 1024 ? 11 : 6;
    return Encoder.compress(data, new Encoder.Parameters().setQuality(quality));
  }
}
