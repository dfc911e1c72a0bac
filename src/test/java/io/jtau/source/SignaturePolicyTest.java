package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-project signature policy over a real repository with real OpenPGP signatures. */
class SignaturePolicyTest {

  static TestSigner allowed;
  static TestSigner stranger;

  @TempDir Path tmp;
  Repository repo;
  VerifiedSource source;

  @BeforeAll
  static void keys() throws Exception {
    allowed = new TestSigner();
    stranger = new TestSigner();
  }

  @BeforeEach
  void setUp() throws Exception {
    repo = TestCommits.bare(tmp.resolve("r.git"));
    source =
        new VerifiedSource(
            new JGitSourceRepository(repo, "p/config"),
            CommitSignatures.of(List.of(allowed.armoredPublicKey())),
            "p/config");
  }

  @AfterEach
  void tearDown() {
    repo.close();
  }

  ObjectId commit(String content, TestSigner signer) throws Exception {
    return TestCommits.commit(
        repo, "main", Map.of("f", content), content, signer == null ? null : signer::sign, true);
  }

  @Test
  void aCommitSignedByAnAllowedKeyIsServed() throws Exception {
    ObjectId a = commit("a", allowed);
    assertThat(source.head("main")).hasValue(a.name());
    assertThat(source.decision("main").orElseThrow().reason()).startsWith("signed by allowed key");
  }

  @Test
  void anUnsignedHeadKeepsTheLastVerifiedCommitServingAndSaysWhy() throws Exception {
    ObjectId a = commit("a", allowed);
    assertThat(source.head("main")).hasValue(a.name());
    ObjectId b = commit("b", null);
    assertThat(source.head("main")).hasValue(a.name());
    VerifiedSource.Decision d = source.decision("main").orElseThrow();
    assertThat(d.head()).isEqualTo(b.name());
    assertThat(d.reason())
        .isEqualTo(
            "head "
                + b.name().substring(0, 12)
                + " is not signed; still serving the last verified commit "
                + a.name().substring(0, 12));
  }

  @Test
  void aHeadSignedByAnotherKeyIsRefused() throws Exception {
    ObjectId a = commit("a", allowed);
    source.head("main");
    commit("b", stranger);
    assertThat(source.head("main")).hasValue(a.name());
    assertThat(source.decision("main").orElseThrow().reason()).contains("which is not allowed");
  }

  @Test
  void aForcePushToAnOlderUnsignedCommitKeepsServingTheLastVerified() throws Exception {
    ObjectId old = commit("old", null);
    ObjectId signed = commit("new", allowed);
    assertThat(source.head("main")).hasValue(signed.name());
    TestCommits.forcePush(repo, "main", old);
    assertThat(source.head("main"))
        .as("no rollback by an unverified pusher")
        .hasValue(signed.name());
  }

  @Test
  void withNothingRememberedTheNewestVerifiedAncestorIsServed() throws Exception {
    ObjectId a = commit("a", allowed);
    commit("b", null);
    commit("c", null);
    assertThat(source.head("main")).hasValue(a.name());
  }

  @Test
  void noVerifiedCommitAtAllIsAnErrorNamingTheHead() throws Exception {
    ObjectId a = commit("a", null);
    assertThatThrownBy(() -> source.head("main"))
        .isInstanceOf(VerifiedSource.NoVerifiedCommitException.class)
        .hasMessage(
            "no verified commit on main of p/config: head "
                + a.name().substring(0, 12)
                + " is not signed");
  }

  @Test
  void anAlteredSignedCommitDoesNotVerify() throws Exception {
    ObjectId a = commit("a", allowed);
    byte[] raw;
    try (RevWalk w = new RevWalk(repo)) {
      raw = w.parseCommit(a).getRawBuffer().clone();
    }
    String text =
        new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\na\n", "\nX\n");
    CommitSignatures policy = CommitSignatures.of(List.of(allowed.armoredPublicKey()));
    assertThat(
            policy
                .verify("x", text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                .reason())
        .isEqualTo("signature does not verify (the commit was altered)");
  }

  @Test
  void anSshSignatureIsNeverTakenForAnOpenPgpOne() throws Exception {
    ObjectId a =
        TestCommits.commit(
            repo,
            "main",
            Map.of("f", "a"),
            "ssh",
            p -> "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n",
            true);
    assertThatThrownBy(() -> source.head("main"))
        .hasMessageContaining(a.name().substring(0, 12))
        .hasMessageContaining("signed with an SSH key; this project allows OpenPGP keys only");
  }

  @Test
  void aPolicyWithoutUsableKeysIsRefusedAtRegistration() {
    assertThatThrownBy(() -> CommitSignatures.of(List.of("not a key")))
        .hasMessage(
            "allowed signer #1 is neither an armored OpenPGP public key nor an OpenSSH public key"
                + " line (ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa)");
  }
}
