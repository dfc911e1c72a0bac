package io.jtau.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Cross-module cases of §6.3 and the linking rules of §4.2. */
class LinkingTest {

  private static final WasmRuntime RT =
      new WasmRuntime(WasmRuntimeConfig.defaults().withWorkers(2));

  @AfterAll
  static void close() {
    RT.close();
  }

  /** Resolves library names to WAT modules compiled on the fly. */
  record Libraries(Map<String, String> wat) implements GuestServices {
    @Override
    public Optional<ModuleSource> resolveModule(Invocation inv, String name) {
      String w = wat.get(name);
      if (w == null) {
        return Optional.empty();
      }
      byte[] b = Guests.wasm(w);
      return Optional.of(new ModuleSource(Guests.cidOf(b), b));
    }
  }

  static final String MV_WRITER =
      """
      (module
        (import "taubyte/sdk" "memoryViewNew" (func $new (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 300) "hello world")
        (func (export "mv_1") (result i32)
          (drop (call $new (i32.const 300) (i32.const 11) (i32.const 1) (i32.const 16)))
          (i32.load (i32.const 16))))
      """;

  static final String MV_READER =
      """
      (module
        (import "mv_writer" "mv_1" (func $mv1 (result i32)))
        (import "taubyte/sdk" "memoryViewOpen" (func $open (param i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "memoryViewRead" (func $read (param i32 i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "mv_2") (param $ev i32)
          (local $id i32) (local $off i32)
          (local.set $id (call $mv1))
          (drop (call $open (local.get $id) (i32.const 20) (i32.const 24)))
          (block $end (loop $chunk
            (br_if $end (i32.ge_u (local.get $off) (i32.load (i32.const 24))))
            (drop (call $read (local.get $id) (local.get $off) (i32.const 3) (i32.add (i32.const 1000) (local.get $off)) (i32.const 28)))
            (local.set $off (i32.add (local.get $off) (i32.load (i32.const 28))))
            (br $chunk)))
          (drop (call $write (local.get $ev) (i32.const 1000) (local.get $off) (i32.const 32)))))
      """;

  static final String FIFO_WRITER =
      """
      (module
        (import "taubyte/sdk" "fifoNew" (func $new (param i32) (result i32)))
        (import "taubyte/sdk" "fifoPush" (func $push (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "hello world")
        (func (export "fifo_1") (result i32) (local $id i32) (local $i i32)
          (local.set $id (call $new (i32.const 1)))
          (loop $l
            (drop (call $push (local.get $id) (i32.load8_u (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (i32.const 11))))
          (local.get $id)))
      """;

  static final String FIFO_READER =
      """
      (module
        (import "fifo_writer" "fifo_1" (func $fifo1 (result i32)))
        (import "taubyte/sdk" "fifoPop" (func $pop (param i32 i32) (result i32)))
        (import "taubyte/sdk" "fifoIsCloser" (func $closer (param i32 i32) (result i32)))
        (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "fifo_2") (param $ev i32) (local $id i32)
          (local.set $id (call $fifo1))
          (drop (call $closer (local.get $id) (i32.const 40)))
          (block $done (loop $more
            (br_if $done (i32.eq (call $pop (local.get $id) (i32.const 100)) (i32.const 8)))
            (drop (call $write (local.get $ev) (i32.const 100) (i32.const 1) (i32.const 32)))
            (br $more)))))
      """;

  static Invocation inv(String call, GuestServices services) {
    return new Invocation("p", "a", "r", "c", "main", call, 0, 10_000_000_000L, services);
  }

  @Test
  void memoryViewAcrossModules() {
    HttpResponse r =
        RT.invokeHttp(
            Guests.compile(RT, MV_READER),
            inv("mv_2", new Libraries(Map.of("mv_writer", MV_WRITER))),
            Guests.get("/mv"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("hello world");
  }

  @Test
  void fifoAcrossModules() {
    HttpResponse r =
        RT.invokeHttp(
            Guests.compile(RT, FIFO_READER),
            inv("fifo_2", new Libraries(Map.of("fifo_writer", FIFO_WRITER))),
            Guests.get("/fifo"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("hello world");
  }

  @Test
  void missingLibraryFailsTheInvocation() {
    HttpResponse r =
        RT.invokeHttp(
            Guests.compile(RT, FIFO_READER), inv("fifo_2", GuestServices.none()), Guests.get("/"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).isEqualTo("instantiation failed: library fifo_writer not found");
  }

  @Test
  void importCyclesAreRejected() {
    String a = "(module (import \"lib_b\" \"f\" (func $f)) (func (export \"f\") (call $f)))";
    String b = "(module (import \"lib_a\" \"f\" (func $f)) (func (export \"f\") (call $f)))";
    String entry =
        "(module (import \"lib_a\" \"f\" (func $f)) (func (export \"call\") (param i32) (call $f)))";
    HttpResponse r =
        RT.invokeHttp(
            Guests.compile(RT, entry),
            inv("call", new Libraries(Map.of("lib_a", a, "lib_b", b))),
            Guests.get("/"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).isEqualTo("instantiation failed: import cycle through lib_a");
  }
}
