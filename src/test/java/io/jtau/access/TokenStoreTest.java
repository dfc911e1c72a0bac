package io.jtau.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {

  @TempDir Path dir;
  final TestClock clock = new TestClock();
  final SecureRandom random = new SecureRandom();
  final String operator = Tokens.generate(random);

  TokenStore open() {
    return new TokenStore(dir.resolve("access"), operator, clock, random);
  }

  @Test
  void tokensHaveTheDocumentedShapeAndAreRandom() {
    String a = Tokens.generate(random);
    String b = Tokens.generate(random);
    assertThat(a).startsWith("jtau_").hasSize(48).matches(Tokens.PATTERN);
    assertThat(a).isNotEqualTo(b);
    assertThat(Tokens.hash(a)).hasSize(Tokens.HASH_BYTES);
  }

  @Test
  void operatorProjectTokenAndWrongToken() {
    try (TokenStore s = open()) {
      assertThat(s.authenticate(operator)).containsInstanceOf(Principal.Operator.class);
      TokenStore.Created c = s.create("a", EnumSet.of(Scope.READ, Scope.PUSH), "ci", "operator");
      Principal p = s.authenticate(c.token()).orElseThrow();
      assertThat(p.may(Scope.PUSH, "a")).isTrue();
      assertThat(p.may(Scope.READ, "b")).isFalse();
      assertThat(p.may(Scope.DATA, "a")).isFalse();
      assertThat(p.actor()).isEqualTo("token:" + c.info().id() + "(ci)");
      assertThat(s.authenticate(Tokens.generate(random))).isEmpty();
      assertThat(s.authenticate("")).isEmpty();
      assertThat(s.authenticate(null)).isEmpty();
      assertThat(s.authenticate(c.token() + "x")).isEmpty();
      assertThat(c.toString()).doesNotContain(c.token());
    }
  }

  @Test
  void revokedTokenStopsWorkingAndStaysRevokedAfterReopen() {
    String token;
    String id;
    try (TokenStore s = open()) {
      TokenStore.Created c = s.create("a", EnumSet.of(Scope.READ), "", "operator");
      token = c.token();
      id = c.info().id();
      assertThat(s.revoke(id)).isTrue();
      assertThat(s.revoke(id)).isFalse();
      assertThat(s.authenticate(token)).isEmpty();
    }
    try (TokenStore s = open()) {
      assertThat(s.authenticate(token)).isEmpty();
      assertThat(s.find(id)).isEmpty();
    }
  }

  @Test
  void tokensSurviveAReopenAndOnlyTheirHashIsOnDisk() throws Exception {
    TokenStore.Created c;
    try (TokenStore s = open()) {
      c = s.create("a", EnumSet.of(Scope.DATA), "n", "operator");
      s.setAnonymousRead("a", true);
    }
    try (TokenStore s = open()) {
      assertThat(s.authenticate(c.token())).isPresent();
      assertThat(s.list("a")).extracting(TokenInfo::id).containsExactly(c.info().id());
      assertThat(s.list("b")).isEmpty();
      assertThat(s.anonymousRead("a")).isTrue();
      assertThat(s.anonymousRead("b")).isFalse();
    }
    byte[] secret = c.token().getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), secret)).as(f.toString()).isEqualTo(-1);
      }
    }
  }

  @Test
  void everyStoredHashIsComparedInConstantTimeWhateverMatches() {
    List<int[]> lengths = new ArrayList<>();
    TokenStore.HashEquality recording =
        (a, b) -> {
          lengths.add(new int[] {a.length, b.length});
          return MessageDigest.isEqual(a, b);
        };
    try (TokenStore s = new TokenStore(dir.resolve("access"), operator, clock, random, recording)) {
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        tokens.add(s.create("p" + i, EnumSet.of(Scope.READ), "", "operator").token());
      }
      for (String presented :
          List.of(tokens.get(0), tokens.get(4), operator, Tokens.generate(random), "short")) {
        lengths.clear();
        s.authenticate(presented);
        // The operator hash and all five stored hashes, every time: no early exit.
        assertThat(lengths).hasSize(6);
        assertThat(lengths)
            .allSatisfy(l -> assertThat(l).containsExactly(Tokens.HASH_BYTES, Tokens.HASH_BYTES));
      }
    }
  }

  @Test
  void badInputsAreRefusedWithTheField() {
    try (TokenStore s = open()) {
      assertThatThrownBy(() -> s.create("Bad", EnumSet.of(Scope.READ), "", "op"))
          .hasMessageContaining("project: 'Bad' is not a project name");
      assertThatThrownBy(() -> s.create("a", EnumSet.noneOf(Scope.class), "", "op"))
          .hasMessageContaining("scopes: at least one");
      assertThatThrownBy(() -> s.create("a", EnumSet.of(Scope.READ), "x\ny", "op"))
          .hasMessageContaining("name:");
      assertThatThrownBy(() -> Scope.parseList("read,write"))
          .hasMessageContaining("unknown scope 'write'");
    }
    assertThatThrownBy(() -> new TokenStore(dir.resolve("x"), "not-a-token", clock, random))
        .hasMessageContaining("operator token is missing or malformed");
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
