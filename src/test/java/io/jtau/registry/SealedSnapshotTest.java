package io.jtau.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.access.SecretBox;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.port.SecretSealer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets of project config (database encryption keys, inline TLS private keys of domains) are
 * sealed at rest by the registry (snapshot and its compiled objects) with the node's secret box,
 * and read back in plain.
 */
class SealedSnapshotTest {

  static final String KEY = io.jtau.SuiteLogCapture.canary();
  static final String PEM =
      "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI" + KEY + "\n-----END PRIVATE KEY-----\n";

  @TempDir Path dir;
  final ProjectKey key = new ProjectKey("shop", "main");

  static SecretSealer sealer(SecretBox box) {
    return new SecretSealer() {
      @Override
      public String seal(String plaintext, String context) {
        return box.seal(plaintext, context);
      }

      @Override
      public String open(String sealed, String context) {
        return box.open(sealed, context);
      }

      @Override
      public boolean isSealed(String text) {
        return SecretBox.isSealed(text);
      }
    };
  }

  Snapshot withDatabase(String encryptionKey) {
    ProjectConfig cfg =
        new ProjectConfig(
            "QmProject",
            "shop",
            "",
            null,
            null,
            null,
            null,
            List.of(),
            List.of(
                new Resource.Database(
                    Identity.of("QmDb", "orders"),
                    null,
                    "orders",
                    false,
                    false,
                    "all",
                    1 << 20,
                    "aes",
                    encryptionKey),
                new Resource.Domain(
                    Identity.of("QmDom", "shop"),
                    null,
                    "shop.example.com",
                    "inline",
                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                    PEM)));
    Map<String, Object> db =
        new java.util.LinkedHashMap<>(
            Map.of("id", "QmDb", "name", "orders", "encryption-key", encryptionKey));
    return new Snapshot(
        key,
        Snapshot.revisionOf("c1", ""),
        "c1",
        "",
        1L,
        cfg,
        Map.of(),
        Snapshot.compiledView(
            Map.of("id", "QmProject"),
            Map.of(
                "projects/QmProject/databases/QmDb",
                db,
                "projects/QmProject/domains/QmDom",
                Map.of("id", "QmDom", "key-file", PEM))),
        List.of());
  }

  @Test
  void theKeyIsSealedOnDiskAndPlainWhenRead() throws Exception {
    SecretBox box = SecretBox.open(dir.resolve("keys/node.key"), new SecureRandom());
    Snapshot s = withDatabase(KEY);
    try (XodusRegistry r = new XodusRegistry(dir.resolve("registry"), 10, sealer(box))) {
      r.publish(s);
    }
    try (XodusRegistry r = new XodusRegistry(dir.resolve("registry"), 10, sealer(box))) {
      Snapshot back = r.current(key).orElseThrow();
      assertThat(back).isEqualTo(s);
      Resource.Database d = (Resource.Database) back.config().resources().get(0);
      assertThat(d.encryptionKey()).isEqualTo(KEY);
      assertThat(back.compiled().toString()).contains("encryption-key=" + KEY);
      assertThat(((Resource.Domain) back.config().resources().get(1)).keyFile()).isEqualTo(PEM);
      assertThat(back.compiled().toString()).contains("key-file=" + PEM);
    }
    try (Stream<Path> files = Files.walk(dir.resolve("registry"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(KEY);
      }
    }
  }

  @Test
  void snapshotsStoredBeforeSealingAreReadAsTheyAre() {
    SecretBox box = new SecretBox(new byte[32], new SecureRandom());
    Snapshot s = withDatabase(KEY);
    try (XodusRegistry r = new XodusRegistry(dir.resolve("registry"), 10)) {
      r.publish(s);
    }
    try (XodusRegistry r = new XodusRegistry(dir.resolve("registry"), 10, sealer(box))) {
      assertThat(r.current(key)).contains(s);
    }
  }
}
