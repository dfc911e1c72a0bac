package io.jtau.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

  @TempDir Path dir;
  final SecureRandom random = new SecureRandom();

  @Test
  void sealsAndOpensWithTheNodeKeyInAPrivateFile() throws Exception {
    Path key = dir.resolve("keys/node.key");
    SecretBox box = SecretBox.open(key, random);
    assertThat(Files.getPosixFilePermissions(key))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    String sealed = box.seal("ghp_repo-token-123", "project/a/repo-token");
    assertThat(sealed).startsWith(SecretBox.PREFIX).doesNotContain("ghp_repo-token-123");
    assertThat(box.seal("ghp_repo-token-123", "project/a/repo-token"))
        .as("a fresh nonce per seal")
        .isNotEqualTo(sealed);
    assertThat(SecretBox.open(key, random).open(sealed, "project/a/repo-token"))
        .as("the key file is reused")
        .isEqualTo("ghp_repo-token-123");
  }

  @Test
  void otherContextOtherKeyOrAlteredDoesNotOpenAndNeverEchoesTheValue() throws Exception {
    SecretBox box = SecretBox.open(dir.resolve("a.key"), random);
    String sealed = box.seal("s3cret-value", "project/a/db-key");
    assertThatThrownBy(() -> box.open(sealed, "project/b/db-key"))
        .hasMessageContaining("does not open")
        .hasMessageNotContaining(sealed);
    assertThatThrownBy(
            () -> SecretBox.open(dir.resolve("b.key"), random).open(sealed, "project/a/db-key"))
        .hasMessageContaining("does not open");
    char[] c = sealed.toCharArray();
    c[c.length - 3] = c[c.length - 3] == 'A' ? 'B' : 'A';
    assertThatThrownBy(() -> box.open(new String(c), "project/a/db-key"))
        .hasMessageContaining("does not open");
    assertThatThrownBy(() -> box.open("plain", "x")).hasMessageContaining("not a sealed value");
    assertThatThrownBy(() -> box.open(SecretBox.PREFIX + "AAAA", "x"))
        .hasMessageContaining("truncated");
  }

  @Test
  void aBrokenKeyFileIsNamed() throws Exception {
    Path key = dir.resolve("bad.key");
    Files.writeString(key, "c2hvcnQ=\n");
    assertThatThrownBy(() -> SecretBox.open(key, random))
        .hasMessageContaining("bad.key")
        .hasMessageContaining("32 bytes");
  }
}
