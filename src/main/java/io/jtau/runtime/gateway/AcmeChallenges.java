package io.jtau.runtime.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP-01 challenges being validated right now: (host, token) → key authorization. The gateway
 * answers {@code GET /.well-known/acme-challenge/<token>} only when the request's host is the exact
 * name the challenge is for, so a token for one name never validates another. Thread-safe; entries
 * live only while an order is in progress.
 */
public final class AcmeChallenges {

  private final Map<String, String> answers = new ConcurrentHashMap<>();

  /** Publishes a challenge answer for {@code host}. */
  public void put(String host, String token, String keyAuthorization) {
    answers.put(key(host, token), keyAuthorization);
  }

  /** Withdraws a challenge answer (idempotent). */
  public void remove(String host, String token) {
    answers.remove(key(host, token));
  }

  /** The key authorization to answer for a request to {@code host} asking for {@code token}. */
  public Optional<String> answer(String host, String token) {
    if (host == null || token == null || token.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(answers.get(key(host, token)));
  }

  /** How many challenges are published (for status pages and tests). */
  public int size() {
    return answers.size();
  }

  private static String key(String host, String token) {
    return host.toLowerCase(Locale.ROOT) + " " + token;
  }
}
