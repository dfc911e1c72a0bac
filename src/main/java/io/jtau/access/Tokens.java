package io.jtau.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The token format: {@code jtau_} followed by 43 base64url characters (256 random bits). Only the
 * SHA-256 of a token is ever stored. Stateless and thread-safe.
 */
public final class Tokens {

  /** The prefix every token starts with, so scanners and the redactor can recognise it. */
  public static final String PREFIX = "jtau_";

  /** Matches a token anywhere in a text. */
  public static final Pattern PATTERN = Pattern.compile("jtau_[A-Za-z0-9_-]{43}");

  /** Length in bytes of a stored token hash. */
  public static final int HASH_BYTES = 32;

  private Tokens() {}

  /** A new random token. */
  public static String generate(SecureRandom random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A new random token id (not secret; names the token in lists, audit and revocation). */
  public static String newId(SecureRandom random) {
    byte[] b = new byte[6];
    random.nextBytes(b);
    return "tok_" + HexFormat.of().formatHex(b);
  }

  /** Whether the text has the shape of a token. */
  public static boolean wellFormed(String token) {
    return token != null && PATTERN.matcher(token).matches();
  }

  /** SHA-256 of the token's UTF-8 bytes; always {@link #HASH_BYTES} long. */
  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
