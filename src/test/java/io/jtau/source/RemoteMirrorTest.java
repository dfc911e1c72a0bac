package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.RepoTree;
import io.jtau.port.SourceRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirrors fetched from a real Git HTTP server on loopback, through a fault proxy. */
class RemoteMirrorTest {

  static final String CANARY = "CANARY-7f3a9c-token-never-shown";
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path tmp;
  GitHttpTestServer server;
  FaultProxy proxy;
  Repository upstream;
  RemoteMirror mirror;

  @BeforeEach
  void setUp() throws Exception {
    server = new GitHttpTestServer();
    proxy = new FaultProxy(server.port());
    upstream = TestCommits.bare(tmp.resolve("upstream.git"));
    server.serve("app", upstream);
    mirror = new RemoteMirror(tmp.resolve("mirror/app.git"), "p/app");
  }

  @AfterEach
  void tearDown() throws Exception {
    mirror.close();
    proxy.close();
    server.close();
    upstream.close();
  }

  String viaProxy() {
    return "http://127.0.0.1:" + proxy.port() + "/app.git";
  }

  RemoteMirror.Outcome fetch() throws FetchFailedException {
    return mirror.fetch(viaProxy(), Map.of("main", "main"), new Credentials.None(), 1, TIMEOUT);
  }

  @Test
  void fetchesShallowThenEveryNewCommitIncludingARevertAndSkipsWhenNothingMoved() throws Exception {
    ObjectId a = TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    RemoteMirror.Outcome first = fetch();
    assertThat(first.moved()).containsEntry("main", a.name());
    assertThat(mirror.source().head("main")).hasValue(a.name());
    assertThat(Files.exists(mirror.dir().resolve("shallow"))).isTrue();

    ObjectId b = TestCommits.commit(upstream, "main", Map.of("a.txt", "two"), "change");
    ObjectId revert = TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "Revert change");
    assertThat(fetch().moved()).containsEntry("main", revert.name());
    assertThat(mirror.source().head("main")).hasValue(revert.name());
    assertThat(b).isNotEqualTo(revert);
    RepoTree tree = mirror.source().read(revert.name(), "", SourceRepository.ReadLimits.CONFIG);
    assertThat(new String(tree.files().get("a.txt").content())).isEqualTo("one");

    int uploads = server.uploads.get();
    RemoteMirror.Outcome none = fetch();
    assertThat(none.changed()).isFalse();
    assertThat(server.uploads.get())
        .as("no pack transferred when nothing moved")
        .isEqualTo(uploads);
  }

  @Test
  void aMissingBranchIsReportedNotFatal() throws Exception {
    TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    RemoteMirror.Outcome o =
        mirror.fetch(
            viaProxy(),
            Map.of("main", "main", "master", "master"),
            new Credentials.None(),
            1,
            TIMEOUT);
    assertThat(o.missing()).containsExactly("master");
    assertThat(o.moved()).containsKey("main");
  }

  @Test
  void aRemoteThatRefusesStallsOrResetsLeavesTheLastFetchedCommitServing() throws Exception {
    ObjectId a = TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    fetch();
    TestCommits.commit(upstream, "main", Map.of("a.txt", "two"), "second");

    proxy.mode(FaultProxy.Mode.REFUSE);
    assertThatThrownBy(this::fetch)
        .isInstanceOf(FetchFailedException.class)
        .hasMessageContaining("p/app");
    assertThat(mirror.source().head("main")).hasValue(a.name());

    proxy.mode(FaultProxy.Mode.STALL);
    assertThatThrownBy(this::fetch)
        .isInstanceOf(FetchFailedException.class)
        .hasMessageContaining("timed out");
    assertThat(mirror.source().head("main")).hasValue(a.name());

    proxy.mode(FaultProxy.Mode.RESET);
    assertThatThrownBy(this::fetch).isInstanceOf(FetchFailedException.class);
    assertThat(mirror.source().head("main")).hasValue(a.name());

    proxy.mode(FaultProxy.Mode.PASS);
    assertThat(fetch().changed()).isTrue();
    assertThat(mirror.source().head("main")).isNotEqualTo(java.util.Optional.of(a.name()));
  }

  @Test
  void aTokenIsSentAsBasicPasswordAndAWrongOneIsRefusedWithoutEchoingIt() throws Exception {
    TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    server.requirePassword(CANARY);
    assertThatThrownBy(
            () ->
                mirror.fetch(
                    viaProxy(),
                    Map.of("main", "main"),
                    new Credentials.Token("x-access-token", "wrong".toCharArray()),
                    1,
                    TIMEOUT))
        .isInstanceOf(FetchFailedException.class)
        .hasMessageNotContaining("wrong");
    RemoteMirror.Outcome ok =
        mirror.fetch(
            viaProxy(),
            Map.of("main", "main"),
            new Credentials.Token("x-access-token", CANARY.toCharArray()),
            1,
            TIMEOUT);
    assertThat(ok.changed()).isTrue();
  }

  @Test
  void aRedirectToAnotherHostIsNotFollowedAndNoCredentialCrossesIt() throws Exception {
    TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    try (GitHttpTestServer other = new GitHttpTestServer()) {
      other.serve("app", upstream);
      server.redirect("app", "http://localhost:" + other.port() + "/app.git");
      Throwable t =
          org.assertj.core.api.Assertions.catchThrowable(
              () ->
                  mirror.fetch(
                      viaProxy(),
                      Map.of("main", "main"),
                      new Credentials.Token("x-access-token", CANARY.toCharArray()),
                      1,
                      TIMEOUT));
      assertThat(t).isInstanceOf(FetchFailedException.class);
      assertThat(t.getMessage()).contains("redirect").doesNotContain(CANARY);
      assertThat(other.seen).as("the redirect target was never contacted").isEmpty();
      assertThat(mirror.source().head("main")).isEmpty();
    }
  }

  @Test
  void submoduleTricksAreNeverFetchedNorCheckedOut() throws Exception {
    try (GitHttpTestServer other = new GitHttpTestServer()) {
      String gitmodules =
          "[submodule \"evil\"]\n\tpath = evil\n\turl = "
              + other.url("payload")
              + "\n[submodule \"Evil\"]\n\tpath = .git/hooks\n\turl = file:///etc\n";
      ObjectId c =
          TestCommits.commit(
              upstream,
              "main",
              Map.of(
                  ".gitmodules",
                  gitmodules,
                  "evil",
                  "gitlink:0123456789abcdef0123456789abcdef01234567",
                  "config.yaml",
                  "id: x\n"),
              "submodule trick");
      assertThat(fetch().moved()).containsEntry("main", c.name());
      assertThat(other.seen).as("no submodule was fetched").isEmpty();
      assertThat(Files.exists(mirror.dir().resolve("modules"))).isFalse();
      assertThat(Files.exists(mirror.dir().resolve("evil"))).as("nothing checked out").isFalse();
      assertThat(mirror.repository().isBare()).isTrue();
      RepoTree tree = mirror.source().read(c.name(), "", SourceRepository.ReadLimits.CONFIG);
      assertThat(tree.files()).containsKeys("config.yaml", ".gitmodules").doesNotContainKey("evil");
      assertThat(tree.problems().toString())
          .contains("/evil")
          .contains("submodules are not allowed");
    }
  }

  @Test
  void onlyNetworkSchemesAreFetched() {
    assertThatThrownBy(
            () ->
                mirror.fetch(
                    "file://" + tmp.resolve("upstream.git"),
                    Map.of("main", "main"),
                    new Credentials.None(),
                    1,
                    TIMEOUT))
        .isInstanceOf(FetchFailedException.class)
        .hasMessageContaining("scheme file is not fetched");
  }
}
