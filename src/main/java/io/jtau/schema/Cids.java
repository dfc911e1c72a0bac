package io.jtau.schema;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Content identifiers as tau's config ids use them (config-format.md 2.5): CIDv0 ({@code Qm} +
 * base58btc of a sha2-256 multihash), CIDv1 in the multibase forms {@code b B z f F k K m u}, and
 * either after an {@code /ipfs/} prefix; plus the {@code H(x)} hash of registry.md 3. Pure and
 * thread-safe.
 */
final class Cids {

  private Cids() {}

  private static final String B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  /** null when {@code s} parses as a CID, else tau's message. */
  static String check(String s) {
    String why = reason(s);
    return why == null ? null : "failed parsing `" + s + "` with " + why;
  }

  private static String reason(String s) {
    if (s.startsWith("/ipfs/")) {
      s = s.substring("/ipfs/".length());
    }
    if (s.length() < 2) {
      return "cid too short";
    }
    if (s.length() == 46 && s.startsWith("Qm")) {
      byte[] b = base58Decode(s);
      if (b == null) {
        return "invalid cid: invalid base58 character";
      }
      return b.length == 34 && b[0] == 0x12 && b[1] == 0x20
          ? null
          : "invalid cid: not a sha2-256 multihash";
    }
    byte[] data;
    char base = s.charAt(0);
    String body = s.substring(1);
    try {
      data =
          switch (base) {
            case 'b' ->
                base32(
                    body.toUpperCase(java.util.Locale.ROOT),
                    body.equals(body.toLowerCase(java.util.Locale.ROOT)));
            case 'B' -> base32(body, body.equals(body.toUpperCase(java.util.Locale.ROOT)));
            case 'z' -> base58Decode(body);
            case 'f' -> hex(body, body.equals(body.toLowerCase(java.util.Locale.ROOT)));
            case 'F' -> hex(body, body.equals(body.toUpperCase(java.util.Locale.ROOT)));
            case 'k' -> base36(body.toLowerCase(java.util.Locale.ROOT));
            case 'K' -> base36(body.toLowerCase(java.util.Locale.ROOT));
            case 'm' -> Base64.getDecoder().decode(body);
            case 'u' -> Base64.getUrlDecoder().decode(body);
            default -> null;
          };
    } catch (IllegalArgumentException e) {
      return "invalid cid: " + e.getMessage();
    }
    if (data == null) {
      return base == 'b'
              || base == 'B'
              || base == 'z'
              || base == 'f'
              || base == 'F'
              || base == 'k'
              || base == 'K'
          ? "invalid cid: illegal base" + " encoding"
          : "invalid cid: selected encoding not supported";
    }
    if (data.length == 34 && data[0] == 0x12 && data[1] == 0x20) {
      return null; // a v0 multihash in multibase form
    }
    int[] pos = {0};
    long version = varint(data, pos);
    if (version != 1) {
      return version < 0 ? "invalid cid: varint" : "invalid cid: invalid cid version " + version;
    }
    if (varint(data, pos) < 0) {
      return "invalid cid: varint";
    }
    long code = varint(data, pos);
    long len = varint(data, pos);
    if (code < 0 || len < 0) {
      return "invalid cid: invalid multihash";
    }
    if (data.length - pos[0] != len) {
      return "invalid cid: multihash length inconsistent";
    }
    return null;
  }

  private static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (pos[0] >= b.length) {
        return -1;
      }
      int x = b[pos[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    return -1;
  }

  private static byte[] base32(String upper, boolean oneCase) {
    if (!oneCase) {
      return null;
    }
    String alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < upper.length(); i++) {
      int v = alpha.indexOf(upper.charAt(i));
      if (v < 0) {
        return null;
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }

  private static byte[] hex(String s, boolean oneCase) {
    if (!oneCase || s.length() % 2 != 0) {
      return null;
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) (hi * 16 + lo);
    }
    return out;
  }

  private static byte[] base36(String s) {
    if (s.isEmpty() || s.length() > 200) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 36) < 0) {
        return null;
      }
    }
    return unsigned(new BigInteger(s, 36), leading(s, '0'));
  }

  /** Digit value of each ASCII character in base58btc, -1 when it is not a digit. */
  private static final int[] B58_DIGITS = b58Digits();

  private static int[] b58Digits() {
    int[] d = new int[128];
    java.util.Arrays.fill(d, -1);
    for (int i = 0; i < B58.length(); i++) {
      d[B58.charAt(i)] = i;
    }
    return d;
  }

  /**
   * Base58btc to bytes: one zero byte per leading {@code 1}, then the big-endian value. Works on a
   * byte array rather than a big integer because every resource id of every compile passes here.
   */
  static byte[] base58Decode(String s) {
    if (s.isEmpty() || s.length() > 200) {
      return null;
    }
    byte[] value = new byte[s.length()];
    int used = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int carry = c < 128 ? B58_DIGITS[c] : -1;
      if (carry < 0) {
        return null;
      }
      for (int j = value.length - 1; j >= value.length - used; j--) {
        carry += 58 * (value[j] & 0xff);
        value[j] = (byte) carry;
        carry >>>= 8;
      }
      while (carry > 0) {
        used++;
        value[value.length - used] = (byte) carry;
        carry >>>= 8;
      }
    }
    int zeros = leading(s, '1');
    byte[] out = new byte[zeros + used];
    System.arraycopy(value, value.length - used, out, zeros, used);
    return out;
  }

  private static int leading(String s, char zero) {
    int n = 0;
    while (n < s.length() && s.charAt(n) == zero) {
      n++;
    }
    return n;
  }

  private static byte[] unsigned(BigInteger v, int zeros) {
    byte[] raw = v.signum() == 0 ? new byte[0] : v.toByteArray();
    int skip = raw.length > 0 && raw[0] == 0 ? 1 : 0;
    byte[] out = new byte[zeros + raw.length - skip];
    System.arraycopy(raw, skip, out, zeros, raw.length - skip);
    return out;
  }

  static String base58Encode(byte[] b) {
    StringBuilder sb = new StringBuilder();
    BigInteger v = new BigInteger(1, b);
    BigInteger radix = BigInteger.valueOf(58);
    while (v.signum() > 0) {
      BigInteger[] qr = v.divideAndRemainder(radix);
      sb.append(B58.charAt(qr[1].intValue()));
      v = qr[0];
    }
    for (int i = 0; i < b.length && b[i] == 0; i++) {
      sb.append('1');
    }
    return sb.reverse().toString();
  }

  /** {@code H(x)} of registry.md 3: base58btc of the sha2-256 multihash of UTF-8 {@code x}. */
  static String hash(String x) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(x.getBytes(StandardCharsets.UTF_8));
      byte[] mh = new byte[34];
      mh[0] = 0x12;
      mh[1] = 0x20;
      System.arraycopy(d, 0, mh, 2, 32);
      return base58Encode(mh);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is part of every JDK", e);
    }
  }
}
