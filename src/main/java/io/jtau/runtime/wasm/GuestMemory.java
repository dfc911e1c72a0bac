package io.jtau.runtime.wasm;

import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked access to a guest's linear memory with the §1.2 rules: an access of {@code len}
 * bytes at {@code ptr} is valid iff {@code ptr + len <= size}, computed without 32-bit overflow;
 * pointers and lengths are unsigned 32-bit. Nothing is allocated before the check passes, so a 4
 * GiB length costs nothing. Stateless.
 */
final class GuestMemory {

  private GuestMemory() {}

  static long u32(long arg) {
    return arg & 0xFFFF_FFFFL;
  }

  static boolean inBounds(Memory m, long ptr, long len) {
    if (m == null) {
      return false;
    }
    long size = (long) m.pages() * Memory.PAGE_SIZE;
    return ptr >= 0 && len >= 0 && ptr + len <= size;
  }

  /** The bytes, or null when out of bounds. */
  static byte[] read(Memory m, long ptr, long len) {
    if (!inBounds(m, ptr, len)) {
      return null;
    }
    if (len == 0) {
      return new byte[0];
    }
    return m.readBytes((int) ptr, (int) len);
  }

  /** The bytes as UTF-8 text, or null when out of bounds. */
  static String readString(Memory m, long ptr, long len) {
    byte[] b = read(m, ptr, len);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static boolean write(Memory m, long ptr, byte[] data) {
    if (!inBounds(m, ptr, data.length)) {
      return false;
    }
    if (data.length > 0) {
      m.write((int) ptr, data);
    }
    return true;
  }

  static boolean writeU32(Memory m, long ptr, long value) {
    if (!inBounds(m, ptr, 4)) {
      return false;
    }
    m.writeI32((int) ptr, (int) value);
    return true;
  }

  static boolean writeU64(Memory m, long ptr, long value) {
    if (!inBounds(m, ptr, 8)) {
      return false;
    }
    m.writeLong((int) ptr, value);
    return true;
  }
}
