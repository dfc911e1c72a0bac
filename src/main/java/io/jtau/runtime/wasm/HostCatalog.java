package io.jtau.runtime.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every host function this runtime offers outside WASI, by module and name. Immutable after class
 * initialisation; thread-safe.
 */
final class HostCatalog {

  static final String ENV = "env";
  static final String SDK = "taubyte/sdk";
  static final String WASI = "wasi_snapshot_preview1";

  private static final Map<String, HostSpec> SPECS;

  static {
    List<HostSpec> all = new ArrayList<>();
    EventHost.register(all);
    SdkFamilies.register(all);
    P2PHost.register(all);
    StorageHost.register(all);
    DnsHost.register(all);
    Map<String, HostSpec> m = new HashMap<>();
    for (HostSpec s : all) {
      if (m.put(key(s.module(), s.name()), s) != null) {
        throw new IllegalStateException("duplicate host function " + s.name());
      }
    }
    SPECS = Collections.unmodifiableMap(m);
  }

  private HostCatalog() {}

  private static String key(String module, String name) {
    return module + '\u0000' + name;
  }

  /** The host function with that module and name, or null. */
  static HostSpec find(String module, String name) {
    return SPECS.get(key(module, name));
  }

  static int size(String module) {
    return (int) SPECS.values().stream().filter(s -> s.module().equals(module)).count();
  }

  // ---- helpers for the families

  /** Behaviour of a function with only i32 parameters returning one i32 errno. */
  @FunctionalInterface
  interface ErrnoImpl {
    int call(InvocationContext ctx, Memory mem, long[] u32Args);
  }

  /** Behaviour of a procedure with only i32 parameters and no result. */
  @FunctionalInterface
  interface VoidImpl {
    void call(InvocationContext ctx, Memory mem, long[] u32Args);
  }

  static FunctionType i32s(int params, boolean result) {
    List<ValType> p = Collections.nCopies(params, ValType.I32);
    return FunctionType.of(p, result ? List.of(ValType.I32) : List.of());
  }

  static HostSpec errno(String name, int params, ErrnoImpl f) {
    return new HostSpec(
        SDK,
        name,
        i32s(params, true),
        (ctx, inst, args) -> new long[] {f.call(ctx, memoryOf(inst), unsigned(args))});
  }

  static HostSpec procedure(String name, int params, VoidImpl f) {
    return new HostSpec(
        SDK,
        name,
        i32s(params, false),
        (ctx, inst, args) -> {
          f.call(ctx, memoryOf(inst), unsigned(args));
          return null;
        });
  }

  static long[] unsigned(long[] args) {
    long[] u = new long[args.length];
    for (int i = 0; i < args.length; i++) {
      u[i] = args[i] & 0xFFFF_FFFFL;
    }
    return u;
  }

  /** The calling instance's memory (§1.2), or null if it has none. */
  static Memory memoryOf(Instance inst) {
    try {
      return inst.memory();
    } catch (RuntimeException noMemory) {
      return null;
    }
  }

  /** Size half of the Size/fill pattern (§1.3): writes the length as u32; 12 when out of bounds. */
  static int size(Memory m, long sizePtr, byte[] value) {
    return GuestMemory.writeU32(m, sizePtr, value.length) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
  }

  /** Fill half: writes all bytes, no length check; 3 when out of bounds. */
  static int fill(Memory m, long bufPtr, byte[] value) {
    return GuestMemory.write(m, bufPtr, value) ? Errno.NONE : Errno.ADDRESS_OUT_OF_MEMORY;
  }

  /** The string-list encoding of §1.4: each string's UTF-8 bytes followed by one NUL. */
  static byte[] stringList(List<String> values) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String v : values) {
      byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
      out.write(0);
    }
    return out.toByteArray();
  }

  /** Decodes a string list like Go's decoder: empty strings kept, unterminated tail dropped. */
  static List<String> decodeStringList(byte[] b) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        out.add(new String(b, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
