package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signature policy with SSH keys: commits signed by the real {@code git -c gpg.format=ssh
 * commit -S} and payloads signed by the real {@code ssh-keygen -Y sign}, verified in the JVM.
 */
class SshSignaturePolicyTest {

  @TempDir static Path keys;
  static OpenSshTools tools;
  static Path ed25519;
  static Path ecdsa;
  static Path rsa;
  static Path stranger;

  @TempDir Path tmp;
  Path work;
  Repository repo;

  @BeforeAll
  static void keys() throws Exception {
    String missing = OpenSshTools.missing();
    Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
    tools = new OpenSshTools(keys);
    ed25519 = tools.keygen(keys, "allowed-ed25519", "ed25519");
    ecdsa = tools.keygen(keys, "allowed-ecdsa", "ecdsa");
    rsa = tools.keygen(keys, "allowed-rsa", "rsa");
    stranger = tools.keygen(keys, "stranger", "ed25519");
  }

  @BeforeEach
  void setUp() throws Exception {
    work = Files.createDirectories(tmp.resolve("work"));
    tools.git(work, "init", "-q", "-b", "main");
    repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build();
  }

  @AfterEach
  void tearDown() {
    if (repo != null) {
      repo.close();
    }
  }

  /** Commits a file with the real git, signed with {@code key} (null = unsigned). */
  ObjectId gitCommit(String content, Path key) throws Exception {
    Files.writeString(work.resolve("f.txt"), content);
    tools.git(work, "add", "f.txt");
    if (key == null) {
      tools.git(work, "commit", "-q", "-m", content);
    } else {
      tools.git(
          work,
          "-c",
          "gpg.format=ssh",
          "-c",
          "user.signingkey=" + key,
          "commit",
          "-q",
          "-S",
          "-m",
          content);
    }
    return repo.resolve("refs/heads/main");
  }

  static CommitSignatures policy(Path... allowed) throws Exception {
    List<String> lines = new java.util.ArrayList<>();
    for (Path k : allowed) {
      lines.add(OpenSshTools.publicLine(k));
    }
    return CommitSignatures.of(lines);
  }

  VerifiedSource source(CommitSignatures policy) {
    return new VerifiedSource(new JGitSourceRepository(repo, "p/config"), policy, "p/config");
  }

  byte[] raw(ObjectId id) throws Exception {
    try (RevWalk w = new RevWalk(repo)) {
      return w.parseCommit(id).getRawBuffer().clone();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
  void aCommitSignedByGitWithAnAllowedSshKeyIsServed(String type) throws Exception {
    Path key =
        switch (type) {
          case "ed25519" -> ed25519;
          case "ecdsa" -> ecdsa;
          default -> rsa;
        };
    ObjectId a = gitCommit("a-" + type, key);
    assertThat(new String(raw(a), StandardCharsets.UTF_8))
        .contains("gpgsig -----BEGIN SSH SIGNATURE-----");
    VerifiedSource source = source(policy(ed25519, ecdsa, rsa));
    assertThat(source.head("main")).hasValue(a.name());
    assertThat(source.decision("main").orElseThrow().reason())
        .startsWith("signed by allowed SSH key SHA256:");
  }

  @Test
  void aCommitSignedByAnotherSshKeyIsRefusedNamingItsFingerprint() throws Exception {
    ObjectId a = gitCommit("a", ed25519);
    ObjectId b = gitCommit("b", stranger);
    VerifiedSource source = source(policy(ed25519));
    assertThat(source.head("main")).hasValue(a.name());
    String fingerprint =
        tools
            .ok(keys, "ssh-keygen", "-l", "-E", "sha256", "-f", stranger + ".pub")
            .output()
            .split(" ")[1];
    assertThat(source.decision("main").orElseThrow().reason())
        .isEqualTo(
            "head "
                + b.name().substring(0, 12)
                + " is signed by SSH key "
                + fingerprint
                + ", which is not allowed; still serving the last verified commit "
                + a.name().substring(0, 12));
  }

  @Test
  void aTamperedSshSignedCommitDoesNotVerify() throws Exception {
    ObjectId a = gitCommit("original", ed25519);
    String text = new String(raw(a), StandardCharsets.ISO_8859_1);
    CommitSignatures p = policy(ed25519);
    assertThat(p.verify("a", raw(a)).accepted()).isTrue();
    byte[] tampered =
        text.replace("\noriginal\n", "\ntampered\n").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(p.verify("t", tampered).reason())
        .isEqualTo("SSH signature does not verify (the commit was altered)");
    byte[] author = text.replace("Test User", "Evil User").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(p.verify("u", author).accepted()).isFalse();
  }

  @Test
  void aForcePushToAnOlderUnsignedCommitKeepsTheLastVerifiedServingAndSaysWhy() throws Exception {
    ObjectId old = gitCommit("old", null);
    ObjectId signed = gitCommit("new", ed25519);
    VerifiedSource source = source(policy(ed25519));
    assertThat(source.head("main")).hasValue(signed.name());
    tools.git(work, "reset", "-q", "--hard", old.name());
    assertThat(repo.resolve("refs/heads/main")).isEqualTo(old);
    assertThat(source.head("main"))
        .as("no rollback by an unverified pusher")
        .hasValue(signed.name());
    assertThat(source.decision("main").orElseThrow().reason())
        .isEqualTo(
            "head "
                + old.name().substring(0, 12)
                + " is not signed; still serving the last verified commit "
                + signed.name().substring(0, 12));
  }

  @Test
  void aPayloadSignedByTheRealSshKeygenVerifiesOnlyInTheGitNamespace() throws Exception {
    Repository bare = TestCommits.bare(tmp.resolve("b.git"));
    try {
      ObjectId good =
          TestCommits.commit(
              bare, "main", Map.of("f", "a"), "a", p -> tools.sign(ed25519, "git", p), true);
      ObjectId otherNs =
          TestCommits.commit(
              bare, "main", Map.of("f", "b"), "b", p -> tools.sign(ed25519, "file", p), true);
      CommitSignatures p = policy(ed25519);
      try (RevWalk w = new RevWalk(bare)) {
        assertThat(p.verify(good.name(), w.parseCommit(good).getRawBuffer()).accepted()).isTrue();
        assertThat(p.verify(otherNs.name(), w.parseCommit(otherNs).getRawBuffer()).reason())
            .isEqualTo("SSH signature is for namespace 'file', not 'git'");
      }
    } finally {
      bare.close();
    }
  }

  @Test
  void mixedPoliciesAndWrongKindsSayWhichKindTheProjectAllows() throws Exception {
    ObjectId a = gitCommit("a", ed25519);
    TestSigner pgp = new TestSigner();
    CommitSignatures pgpOnly = CommitSignatures.of(List.of(pgp.armoredPublicKey()));
    assertThat(pgpOnly.verify(a.name(), raw(a)).reason())
        .isEqualTo("signed with an SSH key; this project allows OpenPGP keys only");
    CommitSignatures both =
        CommitSignatures.of(List.of(pgp.armoredPublicKey(), OpenSshTools.publicLine(ed25519)));
    assertThat(both.verify(a.name(), raw(a)).accepted()).isTrue();

    Repository bare = TestCommits.bare(tmp.resolve("pgp.git"));
    try {
      ObjectId signedPgp = TestCommits.commit(bare, "main", Map.of("f", "a"), "a", pgp::sign, true);
      try (RevWalk w = new RevWalk(bare)) {
        assertThat(
                policy(ed25519)
                    .verify(signedPgp.name(), w.parseCommit(signedPgp).getRawBuffer())
                    .reason())
            .isEqualTo("signed with an OpenPGP key; this project allows SSH keys only");
      }
    } finally {
      bare.close();
    }
  }

  @Test
  void anAllowedSignersFileLineIsAcceptedAndGarbageIsRefusedNamingTheEntry() throws Exception {
    String line = "test@example.com namespaces=\"git\" " + OpenSshTools.publicLine(ed25519);
    ObjectId a = gitCommit("a", ed25519);
    assertThat(CommitSignatures.of(List.of(line)).verify(a.name(), raw(a)).accepted()).isTrue();
    assertThatThrownBy(
            () ->
                CommitSignatures.of(
                    List.of(OpenSshTools.publicLine(ed25519), "ssh-ed25519 AAAAnot-base64")))
        .hasMessage(
            "allowed signer #2 is neither an armored OpenPGP public key nor an OpenSSH public key"
                + " line (ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa)");
  }

  @Test
  void aCorruptSshSignatureIsRefusedNotThrown() throws Exception {
    Repository bare = TestCommits.bare(tmp.resolve("c.git"));
    try {
      ObjectId c =
          TestCommits.commit(
              bare,
              "main",
              Map.of("f", "a"),
              "a",
              p -> "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n",
              true);
      try (RevWalk w = new RevWalk(bare)) {
        assertThat(policy(ed25519).verify(c.name(), w.parseCommit(c).getRawBuffer()).reason())
            .isEqualTo("SSH signature does not parse");
      }
    } finally {
      bare.close();
    }
  }
}
