package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.Guests.HTTP_IMPORTS;
import static io.jtau.runtime.wasm.Guests.compile;
import static io.jtau.runtime.wasm.Guests.get;
import static io.jtau.runtime.wasm.Guests.invocation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WasmRuntimeTest {

  private static final Map<ExecutionMode, WasmRuntime> RUNTIMES =
      new EnumMap<>(ExecutionMode.class);

  static synchronized WasmRuntime runtime(ExecutionMode mode) {
    return RUNTIMES.computeIfAbsent(
        mode,
        m ->
            new WasmRuntime(
                WasmRuntimeConfig.defaults()
                    .withMode(m)
                    .withWorkers(4)
                    .withMemoryBudgetBytes(3L << 30)
                    .withMaxHostCalls(100_000)));
  }

  @AfterAll
  static void closeAll() {
    RUNTIMES.values().forEach(WasmRuntime::close);
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void helloWorldWritesStatusHeaderAndBody(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    HttpResponse r = rt.invokeHttp(compile(rt, Guests.HELLO), invocation("call"), get("/"));

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.bodyText()).isEqualTo("hello world");
    assertThat(r.header("X-Test")).isEqualTo("yes");
    assertThat(r.headers()).extracting(Map.Entry::getKey).containsExactly("X-Test", "Content-Type");
    assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
  }

  static final String ECHO =
      """
      (module
        %s
        (import "taubyte/sdk" "getHttpEventMethodSize" (func $msize (param i32 i32) (result i32)))
        (import "taubyte/sdk" "getHttpEventMethod" (func $m (param i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "getHttpEventPathSize" (func $psize (param i32 i32) (result i32)))
        (import "taubyte/sdk" "getHttpEventPath" (func $p (param i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "getHttpEventQueryValueByNameSize" (func $qsize (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "getHttpEventQueryValueByName" (func $q (param i32 i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "getHttpEventHeadersSize" (func $hsize (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "getHttpEventHeaders" (func $h (param i32 i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "readHttpEventBody" (func $read (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 32) "|")
        (data (i32.const 40) "name")
        (data (i32.const 48) "x-echo")
        (func $out (param $ev i32) (param $ptr i32) (param $len i32)
          (drop (call $write (local.get $ev) (local.get $ptr) (local.get $len) (i32.const 12))))
        (func $sep (param $ev i32) (call $out (local.get $ev) (i32.const 32) (i32.const 1)))
        (func (export "call") (param $ev i32) (result i32)
          (local $n i32)
          (drop (call $msize (local.get $ev) (i32.const 8)))
          (drop (call $m (local.get $ev) (i32.const 1024) (i32.load (i32.const 8))))
          (call $out (local.get $ev) (i32.const 1024) (i32.load (i32.const 8)))
          (call $sep (local.get $ev))
          (drop (call $psize (local.get $ev) (i32.const 8)))
          (drop (call $p (local.get $ev) (i32.const 1024) (i32.const 0)))
          (call $out (local.get $ev) (i32.const 1024) (i32.load (i32.const 8)))
          (call $sep (local.get $ev))
          (drop (call $qsize (local.get $ev) (i32.const 8) (i32.const 40) (i32.const 4)))
          (drop (call $q (local.get $ev) (i32.const 40) (i32.const 4) (i32.const 1024) (i32.const 0)))
          (call $out (local.get $ev) (i32.const 1024) (i32.load (i32.const 8)))
          (call $sep (local.get $ev))
          (drop (call $hsize (local.get $ev) (i32.const 8) (i32.const 48) (i32.const 6)))
          (drop (call $h (local.get $ev) (i32.const 48) (i32.const 6) (i32.const 1024) (i32.const 0)))
          (call $out (local.get $ev) (i32.const 1024) (i32.load (i32.const 8)))
          (call $sep (local.get $ev))
          ;; body in 3-byte chunks until errno 8
          (block $done
            (loop $more
              (br_if $done (i32.eq (call $read (local.get $ev) (i32.const 2048) (i32.const 3) (i32.const 8)) (i32.const 8)))
              (call $out (local.get $ev) (i32.const 2048) (i32.load (i32.const 8)))
              (br $more)))
          (i32.const 0)))
      """
          .formatted(HTTP_IMPORTS);

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void echoesMethodPathQueryHeaderAndBody(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    HttpRequest req =
        new HttpRequest(
            "POST",
            "example.com",
            "/a b/c",
            "x=1&name=J%C3%BCrg+en&name=second",
            Map.of("X-ECHO", List.of("first", "second")),
            "payload-1234".getBytes(),
            "192.0.2.1:1234");
    HttpResponse r = rt.invokeHttp(compile(rt, ECHO), invocation("call"), req);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("POST|/a b/c|Jürg en|first|payload-1234");
  }

  static final String LOOP =
      """
      (module (func (export "call") (param i32) (loop $l (br $l))))
      """;

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void infiniteLoopIsStoppedAtTheDeadline(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    CompiledModule m = compile(rt, LOOP);
    long t0 = System.nanoTime();
    HttpResponse r = rt.invokeHttp(m, invocation("call", 1 << 20, 300), get("/"));
    long overshootMs = (System.nanoTime() - t0) / 1_000_000 - 300;

    System.out.printf("[%s] timeout overshoot: %d ms%n", mode, overshootMs);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).isEqualTo("timeout");
    assertThat(overshootMs).isLessThan(2_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> rt.memoryInUseBytes() == 0);
    // the node still serves
    assertThat(rt.invokeHttp(compile(rt, Guests.HELLO), invocation("call"), get("/")).status())
        .isEqualTo(201);
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void unboundedRecursionTrapsAndTheNodeSurvives(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    CompiledModule m =
        compile(
            rt,
            """
            (module (func $f (export "call") (param i32) (call $f (i32.add (local.get 0) (i32.const 1)))))
            """);
    HttpResponse r = rt.invokeHttp(m, invocation("call"), get("/"));

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).startsWith("trap:");
    assertThat(rt.invokeHttp(compile(rt, Guests.HELLO), invocation("call"), get("/")).status())
        .isEqualTo(201);
  }

  static final String GROW =
      """
      (module
        %s
        (memory (export "memory") 1)
        (data (i32.const 0) "okno")
        (func (export "call") (param $ev i32)
          (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
          %s))
      """;

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void memoryGrowStopsAtTheFunctionCap(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    // 4 MiB = 64 pages
    CompiledModule m =
        compile(
            rt,
            GROW.formatted(
                HTTP_IMPORTS, Guests.writeOkIf("(i32.eq (memory.size) (i32.const 64))")));
    HttpResponse r = rt.invokeHttp(m, invocation("call", 4L << 20, 10_000), get("/"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("ok");
    await().atMost(Duration.ofSeconds(5)).until(() -> rt.memoryInUseBytes() == 0);
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void moduleWithMoreInitialMemoryThanTheCapIsRefused(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    CompiledModule m = compile(rt, "(module (memory 30000) (func (export \"call\") (param i32)))");
    HttpResponse r = rt.invokeHttp(m, invocation("call", 64L << 20, 10_000), get("/"));

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).startsWith("memory limit");
    assertThat(rt.memoryInUseBytes()).isZero();
  }

  @Test
  void truncatedModuleIsRejectedAtCompile() {
    byte[] hello = Guests.wasm(Guests.HELLO);
    byte[] cut = java.util.Arrays.copyOf(hello, hello.length / 2);
    WasmRuntime rt = runtime(ExecutionMode.COMPILED);

    assertThatThrownBy(() -> rt.compile(Guests.cidOf(cut), cut))
        .isInstanceOfSatisfying(
            WasmException.class,
            e -> assertThat(e.phase()).isEqualTo(WasmException.Phase.MALFORMED))
        .hasMessageStartingWith("malformed:");
  }

  @Test
  void garbageIsRejectedAtCompile() {
    WasmRuntime rt = runtime(ExecutionMode.COMPILED);
    byte[] big = new byte[100 * 1024 * 1024];
    new Random(1).nextBytes(big);
    byte[] small = java.util.Arrays.copyOf(big, 1 << 20);

    assertThatThrownBy(() -> rt.compile(Guests.cidOf(big), big))
        .isInstanceOfSatisfying(
            WasmException.class, e -> assertThat(e.phase()).isEqualTo(WasmException.Phase.LIMIT));
    assertThatThrownBy(() -> rt.compile(Guests.cidOf(small), small))
        .isInstanceOfSatisfying(
            WasmException.class,
            e -> assertThat(e.phase()).isEqualTo(WasmException.Phase.MALFORMED));
    // garbage behind a valid header
    byte[] headed = java.util.Arrays.copyOf(small, small.length);
    System.arraycopy(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}, 0, headed, 0, 8);
    assertThatThrownBy(() -> rt.compile(Guests.cidOf(headed), headed))
        .isInstanceOf(WasmException.class);
  }

  @Test
  void unknownImportIsUnlinkable() {
    WasmRuntime rt = runtime(ExecutionMode.COMPILED);
    byte[] w =
        Guests.wasm(
            "(module (import \"taubyte/sdk\" \"nope\" (func (param i32))) (func (export \"call\") (param i32)))");
    assertThatThrownBy(() -> rt.compile(Guests.cidOf(w), w))
        .isInstanceOfSatisfying(
            WasmException.class,
            e -> assertThat(e.phase()).isEqualTo(WasmException.Phase.UNLINKABLE))
        .hasMessageContaining("taubyte/sdk.nope");
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void outOfBoundsPointersGiveErrno3(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    String wat =
        """
        (module
          %s
          (import "taubyte/sdk" "readHttpEventBody" (func $read (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 0) "okno")
          (func (export "call") (param $ev i32)
            ;; pointer past the end, a 4 GiB length, and a length that overflows 32 bits
            %s %s %s))
        """
            .formatted(
                HTTP_IMPORTS,
                Guests.writeOkIf(
                    "(i32.eq (call $write (local.get $ev) (i32.const 65530) (i32.const 100) (i32.const 8)) (i32.const 3))"),
                Guests.writeOkIf(
                    "(i32.eq (call $write (local.get $ev) (i32.const 0) (i32.const -1) (i32.const 8)) (i32.const 3))"),
                Guests.writeOkIf(
                    "(i32.eq (call $read (local.get $ev) (i32.const 16) (i32.const -1) (i32.const 8)) (i32.const 3))"));
    HttpResponse r =
        rt.invokeHttp(
            compile(rt, wat), invocation("call"), HttpRequest.of("POST", "/", "x".getBytes()));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("okokok");
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void hostCallQuotaEndsARunawayGuest(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    String wat =
        """
        (module
          (import "taubyte/sdk" "getEventType" (func $type (param i32 i32)))
          (memory 1)
          (func (export "call") (param $ev i32) (local $i i32)
            (loop $l
              (call $type (local.get $ev) (i32.const 0))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 5000000))))))
        """;
    HttpResponse r = rt.invokeHttp(compile(rt, wat), invocation("call"), get("/"));

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).startsWith("host call quota exceeded");
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void missingExportIs500(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    HttpResponse r = rt.invokeHttp(compile(rt, Guests.HELLO), invocation("nope"), get("/"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).isEqualTo("missing export: nope");
  }

  @Test
  void exhaustedNodeBudgetAnswers503() {
    try (WasmRuntime rt =
        new WasmRuntime(WasmRuntimeConfig.defaults().withWorkers(2).withMemoryBudgetBytes(65536))) {
      String wat =
          """
          (module
            (import "env" "_sleep" (func $sleep (param i64)))
            (memory 1)
            (func (export "call") (param i32) (call $sleep (i64.const 400000000))))
          """;
      CompiledModule m = compile(rt, wat);
      CompletableFuture<HttpResponse> first =
          CompletableFuture.supplyAsync(
              () -> rt.invokeHttp(m, invocation("call", 0, 10_000), get("/")));
      await().atMost(Duration.ofSeconds(5)).until(() -> rt.memoryInUseBytes() == 65536);

      HttpResponse second = rt.invokeHttp(m, invocation("call", 0, 10_000), get("/"));

      assertThat(second.status()).isEqualTo(503);
      assertThat(second.bodyText()).isEqualTo("guest memory budget exhausted");
      assertThat(first.join().status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).until(() -> rt.memoryInUseBytes() == 0);
    }
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void tableOf2Pow32ElementsIsRefusedAndTheNodeSurvives(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    String wat =
        """
        (module
          (table 4294967295 funcref)
          (memory 1)
          (func (export "call") (param i32)))
        """;
    byte[] w = Guests.wasm(wat);
    byte[] big = Guests.wasm(wat.replace("4294967295", "5000000"));

    assertThatThrownBy(() -> rt.compile(Guests.cidOf(w), w))
        .isInstanceOfSatisfying(
            WasmException.class, e -> assertThat(e.phase()).isEqualTo(WasmException.Phase.INVALID))
        .hasMessageContaining("table or memory limits out of range");
    assertThatThrownBy(() -> rt.compile(Guests.cidOf(big), big))
        .isInstanceOfSatisfying(
            WasmException.class, e -> assertThat(e.phase()).isEqualTo(WasmException.Phase.LIMIT))
        .hasMessage(
            "limit: table 0 declares 5000000 initial elements, this node allows at most 1000000");
    HttpResponse next = rt.invokeHttp(compile(rt, Guests.HELLO), invocation("call"), get("/"));
    assertThat(next.status()).isEqualTo(201);
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void aGuestCannotReadAnotherProjectsDatabaseByName(ExecutionMode mode) {
    WasmRuntime rt = runtime(mode);
    InMemoryGuestServices services = InMemoryGuestServices.persistent();
    String wat =
        """
        (module
          %s
          (import "taubyte/sdk" "newDatabase" (func $db (param i32 i32 i32) (result i32)))
          (import "taubyte/sdk" "databasePut" (func $put (param i32 i32 i32 i32 i32) (result i32)))
          (import "taubyte/sdk" "databaseGetSize" (func $size (param i32 i32 i32 i32) (result i32)))
          (import "taubyte/sdk" "databaseGet" (func $get (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 100) "customers")
          (data (i32.const 120) "card")
          (data (i32.const 130) "4111-1111")
          (data (i32.const 150) "none")
          (func (export "put") (param $ev i32)
            (drop (call $db (i32.const 100) (i32.const 9) (i32.const 16)))
            (drop (call $put (i32.load (i32.const 16)) (i32.const 120) (i32.const 4) (i32.const 130) (i32.const 9))))
          (func (export "get") (param $ev i32)
            (drop (call $db (i32.const 100) (i32.const 9) (i32.const 16)))
            (if (i32.eqz (call $size (i32.load (i32.const 16)) (i32.const 120) (i32.const 4) (i32.const 20)))
              (then
                (drop (call $get (i32.load (i32.const 16)) (i32.const 120) (i32.const 4) (i32.const 1000)))
                (drop (call $write (local.get $ev) (i32.const 1000) (i32.load (i32.const 20)) (i32.const 24))))
              (else (drop (call $write (local.get $ev) (i32.const 150) (i32.const 4) (i32.const 24)))))))
        """
            .formatted(HTTP_IMPORTS);
    CompiledModule m = compile(rt, wat);
    Invocation owner = Guests.invocation("put");
    Invocation thief =
        new Invocation(
            "other-project",
            "app-456",
            "res-1",
            "c",
            "main",
            "get",
            16L << 20,
            10_000_000_000L,
            services);

    rt.invokeHttp(
        m,
        new Invocation(
            owner.project(),
            owner.application(),
            owner.resourceId(),
            "c",
            "main",
            "put",
            16L << 20,
            10_000_000_000L,
            services),
        get("/"));
    HttpResponse sameProject =
        rt.invokeHttp(
            m,
            new Invocation(
                owner.project(),
                owner.application(),
                "res-2",
                "c",
                "main",
                "get",
                16L << 20,
                10_000_000_000L,
                services),
            get("/"));
    HttpResponse otherProject = rt.invokeHttp(m, thief, get("/"));

    assertThat(sameProject.bodyText()).isEqualTo("4111-1111");
    assertThat(otherProject.status()).isEqualTo(200);
    assertThat(otherProject.bodyText()).isEqualTo("none");
  }
}
