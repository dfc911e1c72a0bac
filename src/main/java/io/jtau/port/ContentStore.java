package io.jtau.port;

import io.jtau.model.Cid;
import java.io.IOException;
import java.io.InputStream;

/**
 * Content-addressed storage. Writes are durable before they return; every read is verified against
 * the address, and content that does not match is never returned. Thread-safe.
 */
public interface ContentStore {

  /** Stores the stream's bytes and returns their address. Idempotent for equal content. */
  Cid put(InputStream content) throws IOException;

  /** Stores the bytes and returns their address. */
  default Cid put(byte[] content) throws IOException {
    return put(new java.io.ByteArrayInputStream(content));
  }

  /** Whether the content is present. */
  boolean has(Cid cid);

  /**
   * Opens verified content; a stream whose bytes fail verification throws {@link
   * CorruptContentException} instead of returning the bad bytes.
   *
   * @throws java.io.FileNotFoundException when absent
   */
  InputStream open(Cid cid) throws IOException;

  /** Reads all verified bytes of small content. */
  default byte[] read(Cid cid) throws IOException {
    try (InputStream in = open(cid)) {
      return in.readAllBytes();
    }
  }

  /** Thrown when stored bytes do not match their address. */
  final class CorruptContentException extends IOException {
    public CorruptContentException(String message) {
      super(message);
    }
  }
}
