package io.jtau.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The former key for remote projects' secrets at rest, kept only so a node can read values stored
 * in its format once and rewrite them with the node's one secret box (the migration in the app).
 * Nothing new is sealed with it. Format: AES-256-GCM with a random 96-bit nonce per message, the
 * key in a file readable by the owner only ({@code 0600}), created on first use. A sealed value
 * binds its purpose as associated data, so a value sealed for one repository cannot be replayed as
 * another's. Thread-safe.
 */
public final class NodeKey {

  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final byte VERSION = 1;

  private final SecretKey key;
  private final SecureRandom random;

  NodeKey(byte[] raw, SecureRandom random) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("a node key is 32 bytes");
    }
    this.key = new SecretKeySpec(raw, "AES");
    this.random = random;
  }

  /**
   * Reads the key file, creating it (owner read/write only) with a fresh random key when absent.
   * Refuses a key file that is a symbolic link or has the wrong size.
   */
  public static NodeKey loadOrCreate(Path file, SecureRandom random) throws IOException {
    if (Files.isSymbolicLink(file)) {
      throw new IOException("node key " + file + " is a symbolic link; refusing to use it");
    }
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(file.getParent());
      byte[] raw = new byte[32];
      random.nextBytes(raw);
      try {
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (posix) {
          Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
          Files.createFile(file, PosixFilePermissions.asFileAttribute(rw));
        } else {
          Files.createFile(file);
        }
        Files.write(
            file,
            Base64.getEncoder().encode(raw),
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING,
            LinkOption.NOFOLLOW_LINKS);
      } catch (FileAlreadyExistsException e) {
        // Another node process created it first: use theirs.
      }
    }
    byte[] text = Files.readAllBytes(file);
    byte[] raw;
    try {
      raw =
          Base64.getDecoder()
              .decode(new String(text, java.nio.charset.StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IOException("node key " + file + " is not base64");
    }
    if (raw.length != 32) {
      throw new IOException("node key " + file + " holds " + raw.length + " bytes, expected 32");
    }
    return new NodeKey(raw, random);
  }

  /** Encrypts {@code plain} for {@code purpose}; the result is base64 text. */
  public String seal(byte[] plain, String purpose) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plain);
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE + ct.length);
      out.put(VERSION).put(nonce).put(ct);
      return Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Decrypts a value sealed for {@code purpose}. Throws {@link IllegalArgumentException} (with no
   * content in its message) when the value was tampered with or sealed by another key or purpose.
   */
  public byte[] open(String sealed, String purpose) {
    byte[] all;
    try {
      all = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sealed secret for " + purpose + " is not base64");
    }
    if (all.length < 1 + NONCE + TAG_BITS / 8 || all[0] != VERSION) {
      throw new IllegalArgumentException("sealed secret for " + purpose + " is malformed");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(all, 1, 1 + NONCE)));
      c.updateAAD(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return c.doFinal(all, 1 + NONCE, all.length - 1 - NONCE);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException(
          "sealed secret for " + purpose + " does not open with this node's key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }
}
