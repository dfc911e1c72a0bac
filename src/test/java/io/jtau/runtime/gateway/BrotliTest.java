package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BrotliTest {

  @Test
  void compressesAndDecompressesWhenTheNativeLibraryLoads() throws Exception {
    var br = Brotli.load();
    Assumptions.assumeTrue(
        br.isPresent(), "brotli4j native library: " + Brotli.unavailableReason());
    byte[] text = "body { color: red; }\n".repeat(500).getBytes(StandardCharsets.UTF_8);
    byte[] packed = br.get().compress(text);
    assertThat(br.get().encoding()).isEqualTo("br");
    assertThat(packed.length).isLessThan(text.length / 20);
    DirectDecompress d = Decoder.decompress(packed);
    assertThat(d.getDecompressedData()).isEqualTo(text);
  }
}
