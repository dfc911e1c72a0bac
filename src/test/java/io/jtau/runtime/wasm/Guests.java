package io.jtau.runtime.wasm;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.jtau.model.Cid;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** WAT guests shared by the tests, and helpers to compile them. */
final class Guests {

  private Guests() {}

  /** Imports of the HTTP event functions, for pasting into a module. */
  static final String HTTP_IMPORTS =
      """
      (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "eventHttpHeaderAdd" (func $hdr (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "eventHttpRetCode" (func $code (param i32 i32) (result i32)))
      """;

  static final String HELLO =
      """
      (module
        %s
        (memory (export "memory") 1)
        (data (i32.const 16) "hello world")
        (data (i32.const 64) "x-test")
        (data (i32.const 80) "yes")
        (func (export "call") (param $ev i32) (result i32)
          (drop (call $hdr (local.get $ev) (i32.const 64) (i32.const 6) (i32.const 80) (i32.const 3)))
          (drop (call $code (local.get $ev) (i32.const 201)))
          (call $write (local.get $ev) (i32.const 16) (i32.const 11) (i32.const 0))))
      """
          .formatted(HTTP_IMPORTS);

  /** Writes "ok" if {@code cond} (an i32 expression) is non-zero, else "no". */
  static String writeOkIf(String cond) {
    return """
        (if %s
          (then (drop (call $write (local.get $ev) (i32.const 0) (i32.const 2) (i32.const 8))))
          (else (drop (call $write (local.get $ev) (i32.const 2) (i32.const 2) (i32.const 8)))))
        """
        .formatted(cond);
  }

  static byte[] wasm(String wat) {
    return Wat2Wasm.parse(wat);
  }

  static Cid cidOf(byte[] bytes) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes);
      return new Cid("b" + HexFormat.of().formatHex(h).substring(0, 40));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static CompiledModule compile(WasmRuntime rt, String wat) {
    byte[] w = wasm(wat);
    try {
      return rt.compile(cidOf(w), w);
    } catch (WasmException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static Invocation invocation(String call, long memoryBytes, long timeoutMillis) {
    return new Invocation(
        "proj-123",
        "app-456",
        "res-789",
        "commit-abc",
        "master",
        call,
        memoryBytes,
        timeoutMillis * 1_000_000L,
        GuestServices.none());
  }

  static Invocation invocation(String call) {
    return invocation(call, 16L << 20, 10_000);
  }

  static HttpRequest get(String target) {
    return HttpRequest.of("GET", target, new byte[0]);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
