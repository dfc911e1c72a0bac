package io.jtau.access;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Removes secrets from texts before they reach a log line, an error, a status or an API answer:
 * anything shaped like a token ({@code jtau_...}), the password part of URLs ({@code
 * https://user:secret@host}), {@code Authorization} header values, and every secret registered with
 * {@link #register} (repository tokens, keys). Registered secrets shorter than 8 characters are
 * refused (they would redact ordinary words). Holds at most 10,000 secrets. Thread-safe.
 */
public final class Redactor {

  /** What a removed secret is replaced with. */
  public static final String MASK = "<redacted>";

  private static final int MAX_SECRETS = 10_000;
  private static final List<Pattern> SHAPES =
      List.of(
          Tokens.PATTERN,
          Pattern.compile("(?<=://)[^/\\s:@]*:[^/\\s@]+(?=@)"),
          Pattern.compile("(?i)(?<=\\b(?:bearer|basic) )[A-Za-z0-9._~+/=-]{8,}"));

  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  /** Adds a secret to remove from every text from now on. */
  public void register(String secret) {
    if (secret == null || secret.length() < 8) {
      throw new IllegalArgumentException("a registered secret must be at least 8 characters");
    }
    if (secrets.size() >= MAX_SECRETS) {
      throw new IllegalStateException("too many registered secrets (" + MAX_SECRETS + ")");
    }
    secrets.add(secret);
  }

  /** Forgets a secret (when the project that owned it is deleted). */
  public void forget(String secret) {
    secrets.remove(secret);
  }

  /** The text with every secret replaced by {@link #MASK}; null stays null. */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String s : secrets) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    for (Pattern p : SHAPES) {
      out = p.matcher(out).replaceAll(MASK);
    }
    return out;
  }

  /** Whether the text holds something {@link #redact} would remove. */
  public boolean containsSecret(String text) {
    return text != null && !text.equals(redact(text));
  }
}
