package io.jtau.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.access.Scope;
import io.jtau.access.TokenStore;
import io.jtau.access.Tokens;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long {@link TokenStore#authenticate} takes for a valid token (first and last stored), a
 * well-formed wrong token, a wrong token sharing the first 40 characters of a valid one, and
 * garbage, over a real store of 100 tokens. The kinds are interleaved call by call so drift hits
 * them alike; the figures are printed, never asserted (run: {@code mvn -o test
 * -Dtest=TokenCompareBenchmark}; not part of the gate). The comparison itself is {@code
 * MessageDigest.isEqual} over SHA-256 hashes of the presented text with no early exit
 * (TokenStoreTest checks that every stored hash is compared every time).
 */
class TokenCompareBenchmark {

  static final int TOKENS = 100;
  static final int ROUNDS = 20_000;

  @TempDir Path dir;

  @Test
  void validAndInvalidTokensTakeTheSameTime() {
    SecureRandom random = new SecureRandom();
    try (TokenStore s =
        new TokenStore(dir.resolve("access"), Tokens.generate(random), Clock.systemUTC(), random)) {
      List<String> valid = new ArrayList<>();
      for (int i = 0; i < TOKENS; i++) {
        valid.add(s.create("p" + i, EnumSet.of(Scope.READ), "", "operator").token());
      }
      String first = valid.get(0);
      String last = valid.get(TOKENS - 1);
      String nearMiss = first.substring(0, 40) + (first.charAt(40) == 'A' ? "BBB" : "AAA");
      String[] kinds = {"valid first", "valid last", "wrong", "near miss", "garbage"};
      String[] presented = {first, last, Tokens.generate(random), nearMiss, "garbage"};
      long[][] nanos = new long[kinds.length][ROUNDS];
      for (int warm = 0; warm < 5_000; warm++) {
        for (String p : presented) {
          s.authenticate(p);
        }
      }
      for (int r = 0; r < ROUNDS; r++) {
        for (int k = 0; k < kinds.length; k++) {
          long t0 = System.nanoTime();
          boolean ok = s.authenticate(presented[k]).isPresent();
          nanos[k][r] = System.nanoTime() - t0;
          if (ok != k < 2) {
            throw new AssertionError(kinds[k] + " authenticated=" + ok);
          }
        }
      }
      System.out.printf("authenticate over %d stored tokens, %d calls each:%n", TOKENS, ROUNDS);
      for (int k = 0; k < kinds.length; k++) {
        long[] n = nanos[k];
        Arrays.sort(n);
        System.out.printf(
            "  %-12s median %6d ns  p90 %6d ns  p99 %6d ns%n",
            kinds[k], n[ROUNDS / 2], n[ROUNDS * 9 / 10], n[ROUNDS * 99 / 100]);
      }
      assertThat(s.authenticate(first)).isPresent();
    }
  }
}
