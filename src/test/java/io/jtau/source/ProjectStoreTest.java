package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.source.RemoteProject.CredentialKind;
import io.jtau.source.RemoteProject.Repo;
import io.jtau.source.RemoteProject.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectStoreTest {

  static final String CANARY = "CANARY-4d1e-token";
  @TempDir Path tmp;

  @Test
  void projectsSurviveAReopenAndNoSecretIsStoredInPlainText() throws Exception {
    NodeKey key = NodeKey.loadOrCreate(tmp.resolve("node.key"), new SecureRandom());
    Repo config =
        new Repo(
            Role.CONFIG,
            "config",
            "acme/config",
            "https://github.com/acme/config.git",
            WebhookVerifier.Provider.GITHUB,
            "hook1",
            key.seal("hook-secret".getBytes(StandardCharsets.UTF_8), "shop/config/hook"),
            CredentialKind.TOKEN,
            key.seal(CANARY.getBytes(StandardCharsets.UTF_8), "shop/config/credential"),
            42);
    RemoteProject p = new RemoteProject("shop", null, null, List.of(config), List.of(), 1L);
    try (ProjectStore s = new ProjectStore(tmp.resolve("projects"))) {
      assertThat(s.add(p)).isTrue();
      assertThat(s.add(p)).as("a name is registered once").isFalse();
    }
    try (ProjectStore s = new ProjectStore(tmp.resolve("projects"))) {
      assertThat(s.all()).containsExactly(p);
      RemoteProject back = s.get("shop").orElseThrow();
      assertThat(
              new String(
                  key.open(back.repos().get(0).sealedCredential(), "shop/config/credential"),
                  StandardCharsets.UTF_8))
          .isEqualTo(CANARY);
      assertThat(s.remove("shop")).isTrue();
      assertThat(s.get("shop")).isEmpty();
    }
    try (Stream<Path> files = Files.walk(tmp.resolve("projects"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .doesNotContain(CANARY);
      }
    }
  }

  @Test
  void hostIdsTheSealedHostTokenAndPinnedHostKeysSurviveAReopen() {
    Repo ssh =
        new Repo(
            Role.CODE,
            "code",
            "acme/code",
            "ssh://git@github.com/acme/code.git",
            WebhookVerifier.Provider.GITHUB,
            "hook2",
            "sealed-hook",
            CredentialKind.DEPLOY_KEY,
            "sealed-key",
            7,
            9,
            "sealed-host-token",
            List.of("SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU", "first-use"));
    RemoteProject p = new RemoteProject("ssh", "main", null, List.of(ssh), List.of(), 2L);
    try (ProjectStore s = new ProjectStore(tmp.resolve("projects2"))) {
      assertThat(s.add(p)).isTrue();
    }
    try (ProjectStore s = new ProjectStore(tmp.resolve("projects2"))) {
      Repo back = s.get("ssh").orElseThrow().repos().get(0);
      assertThat(back).isEqualTo(ssh);
      assertThat(back.hostDeployKeyId()).isEqualTo(9);
      assertThat(back.sshHostKeys()).hasSize(2);
    }
  }

  @Test
  void fullnamesComeFromTheUrlPath() {
    assertThat(RemoteProject.fullnameOf("https://github.com/acme/shop.git")).isEqualTo("acme/shop");
    assertThat(RemoteProject.fullnameOf("ssh://git@gitea.example/team/site"))
        .isEqualTo("team/site");
    assertThat(RemoteProject.fullnameOf("https://gitlab.example/group/sub/repo.git/"))
        .isEqualTo("sub/repo");
  }
}
