package io.jtau.store;

import io.jtau.model.Cid;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Conversions between text CIDs, their binary form and base32. The store only produces and accepts
 * CIDv1, codec dag-pb ({@code 0x70}), multihash sha2-256 ({@code 0x12 0x20}); binary form {@code
 * 0x01 0x70 0x12 0x20 || digest}, text form {@code b} + base32 (RFC 4648, lower case, no padding).
 * Stateless and thread-safe.
 */
public final class Cids {

  /** Length in bytes of a binary dag-pb sha2-256 CIDv1. */
  public static final int BINARY_LENGTH = 36;

  private static final byte[] PREFIX = {0x01, 0x70, 0x12, 0x20};
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private Cids() {}

  /** The CID of a dag-pb block: {@code 0x01 0x70 0x12 0x20 || sha256(block)}. */
  public static Cid ofBlock(byte[] block, int offset, int length) {
    return fromDigest(sha256(block, offset, length));
  }

  /** The CID of a whole dag-pb block. */
  public static Cid ofBlock(byte[] block) {
    return ofBlock(block, 0, block.length);
  }

  /** The text CID whose sha2-256 digest is {@code digest}. */
  public static Cid fromDigest(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("sha2-256 digest must be 32 bytes, got " + digest.length);
    }
    byte[] bin = new byte[BINARY_LENGTH];
    System.arraycopy(PREFIX, 0, bin, 0, PREFIX.length);
    System.arraycopy(digest, 0, bin, PREFIX.length, 32);
    return new Cid("b" + base32Encode(bin));
  }

  /** The text CID of a binary CID. */
  public static Cid fromBytes(byte[] binary) {
    requireSupported(binary);
    return new Cid("b" + base32Encode(binary));
  }

  /**
   * The binary form of a text CID.
   *
   * @throws IllegalArgumentException when the CID is not a base32 dag-pb sha2-256 CIDv1
   */
  public static byte[] toBytes(Cid cid) {
    String text = cid.value();
    if (text.charAt(0) != 'b') {
      throw new IllegalArgumentException("unsupported CID multibase (want base32 'b'): " + cid);
    }
    byte[] binary = base32Decode(text.substring(1));
    requireSupported(binary);
    return binary;
  }

  /** The sha2-256 digest inside a text CID. */
  public static byte[] digest(Cid cid) {
    return Arrays.copyOfRange(toBytes(cid), PREFIX.length, BINARY_LENGTH);
  }

  /** Whether the text is a CID this store can hold. */
  public static boolean isSupported(Cid cid) {
    try {
      toBytes(cid);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code block} hashes to {@code cid}. */
  public static boolean matches(Cid cid, byte[] block, int offset, int length) {
    return MessageDigest.isEqual(digest(cid), sha256(block, offset, length));
  }

  /** RFC 4648 base32, lower case, without padding. */
  public static String base32Encode(byte[] data) {
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  /**
   * Decodes RFC 4648 base32 without padding (either case).
   *
   * @throws IllegalArgumentException on a character outside the alphabet or non-zero trailing bits
   */
  public static byte[] base32Decode(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toLowerCase(text.charAt(i));
      int v;
      if (c >= 'a' && c <= 'z') {
        v = c - 'a';
      } else if (c >= '2' && c <= '7') {
        v = c - '2' + 26;
      } else {
        throw new IllegalArgumentException("not base32: '" + text.charAt(i) + "' at " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >>> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    if (bits >= 5 || (buffer & ((1 << bits) - 1)) != 0) {
      throw new IllegalArgumentException("not canonical base32: trailing bits");
    }
    return out.toByteArray();
  }

  static byte[] sha256(byte[] data, int offset, int length) {
    MessageDigest md = newSha256();
    md.update(data, offset, length);
    return md.digest();
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  private static void requireSupported(byte[] binary) {
    if (binary.length != BINARY_LENGTH
        || !Arrays.equals(binary, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
      throw new IllegalArgumentException(
          "unsupported CID: only CIDv1 dag-pb sha2-256 (36 bytes, 01 70 12 20) is stored here");
    }
  }
}
