package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.access.SecretBox;
import io.jtau.source.NodeKey;
import io.jtau.source.ProjectStore;
import io.jtau.source.RemoteProject;
import io.jtau.source.RemoteProject.CredentialKind;
import io.jtau.source.RemoteProject.Repo;
import io.jtau.source.RemoteProject.Role;
import io.jtau.source.WebhookVerifier.Provider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored remote-project secrets in the former format ({@link NodeKey}) move to the node's {@link
 * SecretBox} once, on a real project store and real key files.
 */
class SealedSecretsMigrationTest {

  static final String TOKEN = io.jtau.SuiteLogCapture.canary();
  static final String DEPLOY_KEY =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
  static final String HOOK = "0123456789abcdef0123456789abcdef";

  @TempDir Path tmp;

  static Repo repo(
      String project, String name, String hook, CredentialKind kind, String cred, long hostId) {
    return new Repo(
        name.equals("config") ? Role.CONFIG : Role.CODE,
        name,
        "acme/" + name,
        "https://git.example.com/acme/" + name + ".git",
        Provider.GITHUB,
        "hook-" + name,
        hook,
        kind,
        cred,
        hostId);
  }

  static String purpose(String project, String repo, String what) {
    return project + "/" + repo + "/" + what;
  }

  @Test
  void oldValuesAreRewrittenInTheBoxOnceAndTheOldKeyIsDeleted() throws Exception {
    Path legacyFile = tmp.resolve("node.key");
    NodeKey legacy = NodeKey.loadOrCreate(legacyFile, new SecureRandom());
    SecretBox box = SecretBox.open(tmp.resolve("keys/node.key"), new SecureRandom());
    RemoteProject old =
        new RemoteProject(
            "shop",
            "main",
            null,
            List.of(
                repo(
                    "shop",
                    "config",
                    legacy.seal(bytes(HOOK), purpose("shop", "config", "hook")),
                    CredentialKind.TOKEN,
                    legacy.seal(bytes(TOKEN), purpose("shop", "config", "credential")),
                    7),
                repo(
                    "shop",
                    "code",
                    legacy.seal(bytes(HOOK + "2"), purpose("shop", "code", "hook")),
                    CredentialKind.DEPLOY_KEY,
                    legacy.seal(bytes(DEPLOY_KEY), purpose("shop", "code", "credential")),
                    0)),
            List.of("ssh-ed25519 AAAA"),
            42L);
    RemoteProject fresh =
        new RemoteProject(
            "blog",
            null,
            null,
            List.of(
                repo(
                    "blog",
                    "config",
                    box.seal(HOOK, purpose("blog", "config", "hook")),
                    CredentialKind.NONE,
                    null,
                    0)),
            List.of(),
            43L);
    try (ProjectStore store = new ProjectStore(tmp.resolve("projects"))) {
      store.add(old);
      store.add(fresh);

      SealedSecretsMigration.Result r = SealedSecretsMigration.run(store, legacyFile, box);

      assertThat(r.rewritten()).isEqualTo(4);
      assertThat(r.failed()).isEmpty();
      assertThat(r.legacyKeyDeleted()).isTrue();
      assertThat(legacyFile).doesNotExist();
      RemoteProject moved = store.get("shop").orElseThrow();
      Repo config = moved.repo("config").orElseThrow();
      Repo code = moved.repo("code").orElseThrow();
      assertThat(config.sealedHookSecret()).startsWith(SecretBox.PREFIX);
      assertThat(config.sealedCredential()).startsWith(SecretBox.PREFIX);
      assertThat(box.open(config.sealedHookSecret(), config.purpose("shop", "hook")))
          .isEqualTo(HOOK);
      assertThat(box.open(config.sealedCredential(), config.purpose("shop", "credential")))
          .isEqualTo(TOKEN);
      assertThat(box.open(code.sealedCredential(), code.purpose("shop", "credential")))
          .isEqualTo(DEPLOY_KEY);
      assertThat(box.open(code.sealedHookSecret(), code.purpose("shop", "hook")))
          .isEqualTo(HOOK + "2");
      // Everything else about the project is unchanged.
      assertThat(moved.repos())
          .extracting(Repo::hookId, Repo::credentialKind, Repo::hostHookId, Repo::url)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "hook-config",
                  CredentialKind.TOKEN,
                  7L,
                  "https://git.example.com/acme/config.git"),
              org.assertj.core.groups.Tuple.tuple(
                  "hook-code",
                  CredentialKind.DEPLOY_KEY,
                  0L,
                  "https://git.example.com/acme/code.git"));
      assertThat(moved.allowedSigners()).containsExactly("ssh-ed25519 AAAA");
      assertThat(moved.createdMillis()).isEqualTo(42L);
      assertThat(store.get("blog")).contains(fresh);

      SealedSecretsMigration.Result again = SealedSecretsMigration.run(store, legacyFile, box);
      assertThat(again.rewritten()).as("nothing left to move").isZero();
      assertThat(store.get("shop")).contains(moved);
    }
    try (Stream<Path> files = Files.walk(tmp)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(TOKEN)
            .doesNotContain(HOOK);
      }
    }
  }

  @Test
  void aValueThatDoesNotOpenKeepsTheOldKeyAndNamesTheProjectOnly() throws Exception {
    Path legacyFile = tmp.resolve("node.key");
    NodeKey.loadOrCreate(legacyFile, new SecureRandom());
    NodeKey other = NodeKey.loadOrCreate(tmp.resolve("other.key"), new SecureRandom());
    SecretBox box = SecretBox.open(tmp.resolve("keys/node.key"), new SecureRandom());
    RemoteProject foreign =
        new RemoteProject(
            "shop",
            null,
            null,
            List.of(
                repo(
                    "shop",
                    "config",
                    other.seal(bytes(HOOK), purpose("shop", "config", "hook")),
                    CredentialKind.TOKEN,
                    other.seal(bytes(TOKEN), purpose("shop", "config", "credential")),
                    0)),
            List.of(),
            1L);
    try (ProjectStore store = new ProjectStore(tmp.resolve("projects"))) {
      store.add(foreign);
      SealedSecretsMigration.Result r = SealedSecretsMigration.run(store, legacyFile, box);
      assertThat(r.rewritten()).isZero();
      assertThat(r.failed()).singleElement().asString().startsWith("shop: ").doesNotContain(TOKEN);
      assertThat(r.legacyKeyDeleted()).isFalse();
      assertThat(legacyFile).exists();
      assertThat(store.get("shop")).contains(foreign);
    }
  }

  @Test
  void withoutTheOldKeyFileNothingRuns() throws Exception {
    SecretBox box = SecretBox.open(tmp.resolve("keys/node.key"), new SecureRandom());
    try (ProjectStore store = new ProjectStore(tmp.resolve("projects"))) {
      SealedSecretsMigration.Result r =
          SealedSecretsMigration.run(store, tmp.resolve("node.key"), box);
      assertThat(r).isEqualTo(new SealedSecretsMigration.Result(0, List.of(), false));
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
