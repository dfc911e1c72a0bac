package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeKeyTest {

  @TempDir Path tmp;

  @Test
  void theKeyFileIsOwnerOnlyAndSealedValuesOpenOnlyForTheirPurpose() throws Exception {
    Path file = tmp.resolve("data/node.key");
    NodeKey key = NodeKey.loadOrCreate(file, new SecureRandom());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String sealed =
        key.seal("CANARY-secret".getBytes(StandardCharsets.UTF_8), "p/config/credential");
    assertThat(sealed).doesNotContain("CANARY");
    assertThat(new String(key.open(sealed, "p/config/credential"), StandardCharsets.UTF_8))
        .isEqualTo("CANARY-secret");
    assertThatThrownBy(() -> key.open(sealed, "p/code/credential"))
        .hasMessage("sealed secret for p/code/credential does not open with this node's key");

    NodeKey again = NodeKey.loadOrCreate(file, new SecureRandom());
    assertThat(new String(again.open(sealed, "p/config/credential"), StandardCharsets.UTF_8))
        .isEqualTo("CANARY-secret");
  }

  @Test
  void aTamperedValueOrAnotherNodesKeyIsRefused() throws Exception {
    NodeKey a = NodeKey.loadOrCreate(tmp.resolve("a.key"), new SecureRandom());
    NodeKey b = NodeKey.loadOrCreate(tmp.resolve("b.key"), new SecureRandom());
    String sealed = a.seal(new byte[] {1, 2, 3}, "x");
    assertThatThrownBy(() -> b.open(sealed, "x")).hasMessageContaining("does not open");
    byte[] raw = java.util.Base64.getDecoder().decode(sealed);
    raw[raw.length - 1] ^= 1;
    String tampered = java.util.Base64.getEncoder().encodeToString(raw);
    assertThatThrownBy(() -> a.open(tampered, "x")).hasMessageContaining("does not open");
    assertThatThrownBy(() -> a.open("@@@", "x")).hasMessage("sealed secret for x is not base64");
  }

  @Test
  void aSymlinkedOrTruncatedKeyFileIsRefused() throws Exception {
    Path real = tmp.resolve("real.key");
    Files.writeString(real, "c2hvcnQ=");
    assertThatThrownBy(() -> NodeKey.loadOrCreate(real, new SecureRandom()))
        .hasMessageContaining("holds 5 bytes, expected 32");
    Path link = Files.createSymbolicLink(tmp.resolve("link.key"), real);
    assertThatThrownBy(() -> NodeKey.loadOrCreate(link, new SecureRandom()))
        .hasMessageContaining("is a symbolic link");
  }
}
