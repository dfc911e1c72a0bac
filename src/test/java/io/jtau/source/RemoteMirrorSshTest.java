package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirrors fetched over SSH from a real SSH Git server on loopback (MINA SSHD + JGit upload-pack),
 * with a deploy key, through the in-JVM fault proxy: host-key pinning (explicit fingerprint, first
 * use, unknown refused by default), a wrong deploy key, and a server that is down, stalls or
 * resets.
 */
class RemoteMirrorSshTest {

  /** Generous: the first SSH session of a JVM on a loaded machine loads much crypto code. */
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  static final Duration STALL_TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path tmp;
  GitSshTestServer server;
  FaultProxy proxy;
  Repository upstream;
  RemoteMirror mirror;
  DeployKeys.Generated deployKey;

  @BeforeEach
  void setUp() throws Exception {
    server = new GitSshTestServer();
    proxy = new FaultProxy(server.port());
    upstream = TestCommits.bare(tmp.resolve("upstream.git"));
    server.serve("acme/app", upstream);
    deployKey = DeployKeys.generate(new SecureRandom(), "jtau-test");
    server.authorize(RemoteMirror.parseKeys(deployKey.openSshPrivateKey()).get(0).getPublic());
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
    return "ssh://git@127.0.0.1:" + proxy.port() + "/acme/app.git";
  }

  SshHostKeys pinned() {
    return SshHostKeys.parse(List.of(server.hostKeyFingerprint()));
  }

  RemoteMirror.Outcome fetch(String url, Credentials creds, SshHostKeys keys)
      throws FetchFailedException {
    return mirror.fetch(url, Map.of("main", "main"), creds, keys, 1, TIMEOUT);
  }

  RemoteMirror.Outcome fetch() throws FetchFailedException {
    return fetch(viaProxy(), new Credentials.DeployKey(deployKey.openSshPrivateKey()), pinned());
  }

  @Test
  void fetchesWithADeployKeyFromAPinnedHostThenOnlyWhatMoved() throws Exception {
    ObjectId a = TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    assertThat(fetch().moved()).containsEntry("main", a.name());
    assertThat(mirror.source().head("main")).hasValue(a.name());
    ObjectId b = TestCommits.commit(upstream, "main", Map.of("a.txt", "two"), "second");
    assertThat(fetch().moved()).containsEntry("main", b.name());
    int uploads = server.uploads.get();
    assertThat(fetch().changed()).isFalse();
    assertThat(server.uploads.get() - uploads)
        .as("only the ref listing ran, no second upload-pack")
        .isEqualTo(1);
    assertThat(proxy.connections.get()).isPositive();
  }

  @Test
  void anUnknownHostKeyIsRefusedByDefaultNamingItsFingerprint() throws Exception {
    TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    Throwable t =
        catchThrowable(
            () ->
                fetch(
                    viaProxy(),
                    new Credentials.DeployKey(deployKey.openSshPrivateKey()),
                    SshHostKeys.none()));
    assertThat(t)
        .isInstanceOf(FetchFailedException.class)
        .hasMessageStartingWith(
            "fetch of p/app failed: the SSH host key "
                + server.hostKeyFingerprint()
                + " of [127.0.0.1]:"
                + proxy.port()
                + " is not trusted: no host key is pinned for this repository (register it with"
                + " --ssh-host-key "
                + server.hostKeyFingerprint());
    assertThat(mirror.source().head("main")).isEmpty();
    assertThat(server.uploads.get()).as("nothing was sent to an untrusted host").isZero();
  }

  @Test
  void aHostKeyOtherThanThePinnedOneIsRefused() throws Exception {
    TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    String other =
        org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(
            GitSshTestServer.newHostKey().getPublic());
    Throwable t =
        catchThrowable(
            () ->
                fetch(
                    viaProxy(),
                    new Credentials.DeployKey(deployKey.openSshPrivateKey()),
                    SshHostKeys.parse(List.of(other))));
    assertThat(t)
        .hasMessage(
            "fetch of p/app failed: the SSH host key "
                + server.hostKeyFingerprint()
                + " of [127.0.0.1]:"
                + proxy.port()
                + " is not the pinned key ("
                + other
                + "); refusing to connect");
    assertThat(server.uploads.get()).isZero();
  }

  @Test
  void firstUsePinsTheFirstKeySeenAndRefusesAChangedOne() throws Exception {
    ObjectId a = TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    Credentials creds = new Credentials.DeployKey(deployKey.openSshPrivateKey());
    assertThat(fetch(viaProxy(), creds, SshHostKeys.trustOnFirstUse()).moved())
        .containsEntry("main", a.name());
    assertThat(java.nio.file.Files.readString(mirror.dir().resolve("jtau-pinned-host-key")).strip())
        .isEqualTo(server.hostKeyFingerprint());
    TestCommits.commit(upstream, "main", Map.of("a.txt", "two"), "second");
    try (GitSshTestServer impostor = new GitSshTestServer()) {
      impostor.serve("acme/app", upstream);
      impostor.authorize(RemoteMirror.parseKeys(deployKey.openSshPrivateKey()).get(0).getPublic());
      Throwable t =
          catchThrowable(
              () -> fetch(impostor.url("acme/app"), creds, SshHostKeys.trustOnFirstUse()));
      assertThat(t)
          .hasMessage(
              "fetch of p/app failed: the SSH host key of [127.0.0.1]:"
                  + impostor.port()
                  + " changed: "
                  + impostor.hostKeyFingerprint()
                  + " is not the key pinned on first use ("
                  + server.hostKeyFingerprint()
                  + "); refusing to connect");
      assertThat(impostor.uploads.get()).isZero();
    }
    assertThat(mirror.source().head("main")).hasValue(a.name());
  }

  @Test
  void aWrongDeployKeyIsRefusedWithoutShowingAnyKey() throws Exception {
    TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    DeployKeys.Generated other = DeployKeys.generate(new SecureRandom(), "stranger");
    Throwable t =
        catchThrowable(
            () ->
                fetch(viaProxy(), new Credentials.DeployKey(other.openSshPrivateKey()), pinned()));
    assertThat(t)
        .isInstanceOf(FetchFailedException.class)
        .hasMessage("fetch of p/app failed: the server refused the credentials");
    String priv = new String(other.openSshPrivateKey(), StandardCharsets.US_ASCII);
    assertThat(t.toString()).doesNotContain("PRIVATE").doesNotContain(priv.substring(40, 80));
    assertThat(server.refusedLogins.get()).isPositive();
    Throwable none = catchThrowable(() -> fetch(viaProxy(), new Credentials.None(), pinned()));
    assertThat(none).hasMessage("fetch of p/app failed: the server refused the credentials");
    assertThat(mirror.source().head("main")).isEmpty();
  }

  @Test
  void aServerThatIsDownStallsOrResetsLeavesTheLastFetchedCommitServing() throws Exception {
    ObjectId a = TestCommits.commit(upstream, "main", Map.of("a.txt", "one"), "first");
    fetch();
    TestCommits.commit(upstream, "main", Map.of("a.txt", "two"), "second");

    proxy.mode(FaultProxy.Mode.REFUSE);
    assertThat(catchThrowable(this::fetch))
        .isInstanceOf(FetchFailedException.class)
        .hasMessageStartingWith("fetch of p/app failed: ");
    assertThat(mirror.source().head("main")).hasValue(a.name());

    proxy.mode(FaultProxy.Mode.STALL);
    long started = System.nanoTime();
    assertThat(
            catchThrowable(
                () ->
                    mirror.fetch(
                        viaProxy(),
                        Map.of("main", "main"),
                        new Credentials.DeployKey(deployKey.openSshPrivateKey()),
                        pinned(),
                        1,
                        STALL_TIMEOUT)))
        .isInstanceOf(FetchFailedException.class)
        .hasMessage("fetch of p/app failed: timed out");
    long gaveUpMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "ssh fetch against a stalled server gave up after %d ms (timeout %d ms)%n",
        gaveUpMillis, STALL_TIMEOUT.toMillis());
    assertThat(Thread.currentThread().isInterrupted())
        .as("the set-up watchdog's interrupt does not leak")
        .isFalse();
    assertThat(mirror.source().head("main")).hasValue(a.name());

    proxy.mode(FaultProxy.Mode.RESET);
    assertThat(catchThrowable(this::fetch)).isInstanceOf(FetchFailedException.class);
    assertThat(mirror.source().head("main")).hasValue(a.name());

    proxy.mode(FaultProxy.Mode.PASS);
    assertThat(fetch().changed()).isTrue();
    assertThat(mirror.source().head("main")).isNotEqualTo(java.util.Optional.of(a.name()));
  }

  @Test
  void hostKeyEntriesAreParsedOrRefusedNamingTheEntry() throws Exception {
    String line =
        org.apache.sshd.common.config.keys.PublicKeyEntry.toString(server.hostKey().getPublic());
    assertThat(SshHostKeys.parse(List.of("[127.0.0.1]:22 " + line)).fingerprints())
        .containsExactly(server.hostKeyFingerprint());
    assertThat(SshHostKeys.parse(List.of(server.hostKeyFingerprint() + "=", "first-use")))
        .isEqualTo(new SshHostKeys(List.of(server.hostKeyFingerprint()), true));
    assertThat(catchThrowable(() -> SshHostKeys.parse(List.of("first-use", "SHA256:short"))))
        .hasMessage(
            "sshHostKeys: entry #2 ('SHA256:short') is not a SHA256: fingerprint, an OpenSSH"
                + " public key line or first-use");
    assertThat(catchThrowable(() -> SshHostKeys.parse(List.of("md5:aa:bb"))))
        .hasMessageStartingWith("sshHostKeys: entry #1 ('md5:aa:bb')");
  }
}
