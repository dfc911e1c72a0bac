package io.jtau.access;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (repository tokens, database keys in project settings) with the node
 * key: AES-256-GCM, a fresh 96-bit nonce per seal, and a context string (e.g. {@code
 * "project/acme/repo-token"}) bound as associated data, so a sealed value moved to another context
 * does not open. Sealed text: {@code jtau-sealed:v1:<base64url(nonce|ciphertext|tag)>}. The node
 * key is 32 random bytes in a file of mode 0600, created on first use. Thread-safe.
 */
public final class SecretBox {

  /** Prefix of every sealed value. */
  public static final String PREFIX = "jtau-sealed:v1:";

  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final SecureRandom random;

  /** A box over an explicit 32-byte key (tests). */
  public SecretBox(byte[] key, SecureRandom random) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the node key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.random = random;
  }

  /** Opens the box with the key in {@code keyFile}, creating the file (mode 0600) if missing. */
  public static SecretBox open(Path keyFile, SecureRandom random) throws IOException {
    if (!Files.exists(keyFile)) {
      byte[] k = new byte[32];
      random.nextBytes(k);
      Files.createDirectories(keyFile.getParent());
      Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      writePrivate(tmp, Base64.getEncoder().encodeToString(k) + "\n");
      Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
    }
    byte[] k;
    try {
      k = Base64.getDecoder().decode(Files.readString(keyFile, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IOException(keyFile + ": not a base64 node key");
    }
    if (k.length != 32) {
      throw new IOException(keyFile + ": the node key must be 32 bytes, found " + k.length);
    }
    return new SecretBox(k, random);
  }

  /** Creates {@code file} with mode 0600 (where the file system has modes) and writes the text. */
  public static void writePrivate(Path file, String text) throws IOException {
    Files.createFile(file);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the file keeps the default mode.
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Encrypts {@code plaintext} for {@code context}. */
  public String seal(String plaintext, String context) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] all = ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array();
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Decrypts a value sealed for {@code context}.
   *
   * @throws IllegalArgumentException when it is not a sealed value, was sealed with another key or
   *     for another context, or was altered (the message never includes the value)
   */
  public String open(String sealed, String context) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a sealed value (expected prefix " + PREFIX + ")");
    }
    byte[] all;
    try {
      all = Base64.getUrlDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sealed value is not base64url");
    }
    if (all.length < NONCE + TAG_BITS / 8) {
      throw new IllegalArgumentException("sealed value is truncated");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return new String(c.doFinal(all, NONCE, all.length - NONCE), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException(
          "sealed value does not open: other node key, other context, or altered");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getClass().getSimpleName());
    }
  }

  /** Whether the text is a sealed value. */
  public static boolean isSealed(String text) {
    return text != null && text.startsWith(PREFIX);
  }
}
