package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.Guests.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * §6 conformance cases, each with a WAT guest of our own doing what the fixture does, under the
 * §6.0 harness (project proj-123, application app-456, resource res-789, commit commit-abc).
 */
class ConformanceTest {

  private static final WasmRuntime RT =
      new WasmRuntime(WasmRuntimeConfig.defaults().withWorkers(2));
  private static final WasmRuntime OPEN_EGRESS =
      new WasmRuntime(
          WasmRuntimeConfig.defaults().withWorkers(2).withEgress(EgressPolicy.allowAll()));

  @AfterAll
  static void close() {
    RT.close();
    OPEN_EGRESS.close();
  }

  /** Every import the guests below use, with the exact §3 signatures. */
  static final String PRELUDE =
      """
      (import "taubyte/sdk" "getEventType" (func $type (param i32 i32)))
      (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "eventHttpHeaderAdd" (func $hdr (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "eventHttpRetCode" (func $code (param i32 i32) (result i32)))
      (import "taubyte/sdk" "eventHttpRedirect" (func $redirect (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "cryptoRead" (func $rand (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "selfIdSize" (func $idSize (param i32) (result i32)))
      (import "taubyte/sdk" "selfId" (func $id (param i32) (result i32)))
      (import "taubyte/sdk" "selfProjectSize" (func $projSize (param i32) (result i32)))
      (import "taubyte/sdk" "selfProject" (func $proj (param i32) (result i32)))
      (import "taubyte/sdk" "selfBranchSize" (func $branchSize (param i32) (result i32)))
      (import "taubyte/sdk" "selfBranch" (func $branch (param i32) (result i32)))
      (import "taubyte/sdk" "newDatabase" (func $db (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databasePut" (func $put (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databaseGetSize" (func $getSize (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databaseGet" (func $dbget (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databaseDelete" (func $del (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databaseListSize" (func $listSize (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "putGlobalValue" (func $gput (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getGlobalValueSize" (func $gsize (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getOrCreateGlobalValueSize" (func $gcreate (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "publishToChannel" (func $pub (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "setSubscriptionChannel" (func $sub (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getWebSocketURLSize" (func $wsSize (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getWebSocketURL" (func $ws (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "fifoNew" (func $fifoNew (param i32) (result i32)))
      (import "taubyte/sdk" "fifoPush" (func $fifoPush (param i32 i32) (result i32)))
      (import "taubyte/sdk" "fifoPop" (func $fifoPop (param i32 i32) (result i32)))
      (import "taubyte/sdk" "memoryViewNew" (func $mvNew (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "memoryViewOpen" (func $mvOpen (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "memoryViewRead" (func $mvRead (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getHttpEventQueryValueByNameSize" (func $qsize (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getHttpEventQueryValueByName" (func $q (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "newHttpClient" (func $client (param i32) (result i32)))
      (import "taubyte/sdk" "newHttpRequest" (func $request (param i32 i32) (result i32)))
      (import "taubyte/sdk" "setHttpRequestURL" (func $url (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "doHttpRequest" (func $send (param i32 i32) (result i32)))
      (import "taubyte/sdk" "readHttpResponseBody" (func $rbody (param i32 i32 i32 i32 i32) (result i32)))
      (import "env" "_log" (func $log (param i32 i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 2)
      (data (i32.const 0) "okno")
      (func $w (param $ev i32) (param $p i32) (param $n i32)
        (drop (call $write (local.get $ev) (local.get $p) (local.get $n) (i32.const 8))))
      (func $check (param $c i32) (if (i32.eqz (local.get $c)) (then unreachable)))
      """;

  static String module(String data, String body) {
    return "(module\n"
        + PRELUDE
        + data
        + "\n(func (export \"call\") (param $ev i32) (result i32)\n"
        + body
        + "\n(i32.const 0)))";
  }

  static HttpResponse run(WasmRuntime rt, String wat, Invocation inv, HttpRequest req) {
    return rt.invokeHttp(Guests.compile(rt, wat), inv, req);
  }

  static Invocation inv(GuestServices services) {
    return new Invocation(
        "proj-123",
        "app-456",
        "res-789",
        "commit-abc",
        "master",
        "call",
        0,
        10_000_000_000L,
        services);
  }

  @Test
  void basic() {
    String wat =
        module(
            "(data (i32.const 100) \"hello world\")",
            """
            (call $type (local.get $ev) (i32.const 16))
            (call $check (i32.eq (i32.load (i32.const 16)) (i32.const 1)))
            (call $w (local.get $ev) (i32.const 100) (i32.const 11))
            """);
    HttpResponse r = run(RT, wat, inv(GuestServices.none()), get("/"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("hello world");
  }

  @Test
  void redirect() {
    String wat =
        module(
            "(data (i32.const 100) \"https://p2p.skelouse.com/ping\")",
            "(call $check (i32.eqz (call $redirect (local.get $ev) (i32.const 100) (i32.const 29) (i32.const 307))))");
    HttpResponse r = run(RT, wat, inv(GuestServices.none()), get("/test"));
    assertThat(r.status()).isEqualTo(307);
    assertThat(r.header("Location")).isEqualTo("https://p2p.skelouse.com/ping");
    assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(r.bodyText())
        .isEqualTo("<a href=\"https://p2p.skelouse.com/ping\">Temporary Redirect</a>.\n\n");
  }

  @Test
  void relativeRedirectIsResolvedAgainstTheRequestPath() {
    String wat =
        module(
            "(data (i32.const 100) \"../x?y=1\")",
            "(drop (call $redirect (local.get $ev) (i32.const 100) (i32.const 8) (i32.const 302)))");
    HttpResponse r =
        run(RT, wat, inv(GuestServices.none()), HttpRequest.of("POST", "/a/b/c", null));
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo("/a/x?y=1");
    assertThat(r.header("Content-Type")).isNull();
    assertThat(r.body()).isEmpty();
  }

  @Test
  void lateStatusAndLateHeadersAreIgnored() {
    String wat =
        module(
            "(data (i32.const 100) \"{\\\"ping\\\": \\\"pong\\\"}\") (data (i32.const 200) \"testTest Header\")",
            """
            (call $check (i32.eqz (call $hdr (local.get $ev) (i32.const 200) (i32.const 4) (i32.const 200) (i32.const 15))))
            (call $w (local.get $ev) (i32.const 100) (i32.const 16))
            (call $check (i32.eqz (call $code (local.get $ev) (i32.const 404))))
            (call $check (i32.eq (call $code (local.get $ev) (i32.const 99)) (i32.const 5)))
            (drop (call $hdr (local.get $ev) (i32.const 200) (i32.const 4) (i32.const 200) (i32.const 4)))
            """);
    HttpResponse r = run(RT, wat, inv(GuestServices.none()), get("/"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers())
        .containsExactly(
            Map.entry("Test", "testTest Header"),
            Map.entry("Content-Type", "text/plain; charset=utf-8"));
    assertThat(r.bodyText()).isEqualTo("{\"ping\": \"pong\"}");
  }

  @Test
  void rand() {
    String wat =
        module(
            "(data (i32.const 100) \"All buffers are random\")",
            """
            (call $check (i32.eqz (call $rand (i32.const 1000) (i32.const 32) (i32.const 16))))
            (call $check (i64.eq (i64.load (i32.const 16)) (i64.const 32)))
            (call $check (i32.eqz (call $rand (i32.const 1100) (i32.const 32) (i32.const 16))))
            (call $check (i32.eqz (call $rand (i32.const 1200) (i32.const 32) (i32.const 16))))
            (call $check (i64.ne (i64.load (i32.const 1000)) (i64.load (i32.const 1100))))
            (call $check (i64.ne (i64.load (i32.const 1100)) (i64.load (i32.const 1200))))
            (call $check (i32.eq (call $rand (i32.const 131070) (i32.const 32) (i32.const 16)) (i32.const 3)))
            (call $w (local.get $ev) (i32.const 100) (i32.const 22))
            """);
    HttpResponse r = run(RT, wat, inv(GuestServices.none()), get("/ping"));
    assertThat(r.bodyText()).isEqualTo("All buffers are random");
  }

  @Test
  void self() {
    String wat =
        module(
            "",
            """
            (drop (call $idSize (i32.const 16)))
            (drop (call $id (i32.const 1000)))
            (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 16)))
            (drop (call $projSize (i32.const 16)))
            (drop (call $proj (i32.const 1000)))
            (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 16)))
            (drop (call $branchSize (i32.const 16)))
            (drop (call $branch (i32.const 1000)))
            (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 16)))
            (call $check (i32.eq (call $idSize (i32.const 131070)) (i32.const 12)))
            (call $check (i32.eq (call $id (i32.const 131070)) (i32.const 3)))
            """);
    HttpResponse r = run(RT, wat, inv(GuestServices.none()), get("/self"));
    assertThat(r.bodyText()).isEqualTo("res-789proj-123main\0master\0");
    assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
  }

  @Test
  void database() {
    String wat =
        module(
            """
            (data (i32.const 100) "/basic/v1")
            (data (i32.const 120) "test")
            (data (i32.const 130) "test/1")
            (data (i32.const 140) "test/2s")
            (data (i32.const 150) "DatabaseTest")
            """,
            """
            (call $check (i32.eqz (call $db (i32.const 100) (i32.const 9) (i32.const 16))))
            (call $check (i32.eqz (call $put (i32.load (i32.const 16)) (i32.const 120) (i32.const 4) (i32.const 150) (i32.const 12))))
            (call $check (i32.eqz (call $put (i32.load (i32.const 16)) (i32.const 130) (i32.const 6) (i32.const 150) (i32.const 12))))
            (call $check (i32.eqz (call $put (i32.load (i32.const 16)) (i32.const 140) (i32.const 7) (i32.const 150) (i32.const 12))))
            (call $check (i32.eqz (call $getSize (i32.load (i32.const 16)) (i32.const 120) (i32.const 4) (i32.const 20))))
            (call $check (i32.eqz (call $dbget (i32.load (i32.const 16)) (i32.const 120) (i32.const 4) (i32.const 1000))))
            (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 20)))
            (call $check (i32.eqz (call $del (i32.load (i32.const 16)) (i32.const 120) (i32.const 4))))
            (call $check (i32.ne (call $getSize (i32.load (i32.const 16)) (i32.const 120) (i32.const 4) (i32.const 20)) (i32.const 0)))
            ;; list("") = test/1, test/2s, size/test/1, size/test/2s: 7 + 8 + 12 + 13 bytes
            (call $check (i32.eqz (call $listSize (i32.load (i32.const 16)) (i32.const 0) (i32.const 0) (i32.const 20))))
            (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 40)))
            (call $check (i32.eqz (call $listSize (i32.load (i32.const 16)) (i32.const 120) (i32.const 4) (i32.const 20))))
            (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 15)))
            (call $check (i32.eq (call $put (i32.const 77) (i32.const 120) (i32.const 4) (i32.const 150) (i32.const 12)) (i32.const 25)))
            """);
    HttpResponse r = run(RT, wat, inv(new InMemoryGuestServices()), get("/db"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("DatabaseTest");
    // without a database backend newDatabase fails with 22 and the guest traps
    assertThat(run(RT, wat, inv(GuestServices.none()), get("/db")).status()).isEqualTo(500);
  }

  @Test
  void globals() throws Exception {
    InMemoryGuestServices services = new InMemoryGuestServices();
    String wat =
        module(
            """
            (data (i32.const 100) "/uint32/hello")
            (data (i32.const 120) "\\00\\00\\00\\04")
            (data (i32.const 130) "/string/hello")
            """,
            """
            ;; get-or-create of a missing key: 0, size untouched
            (i32.store (i32.const 20) (i32.const 0xdead))
            (call $check (i32.eqz (call $gcreate (i32.const 130) (i32.const 13) (i32.const 0) (i32.const 0) (i32.const 20))))
            (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 0xdead)))
            (call $check (i32.eq (call $gsize (i32.const 100) (i32.const 13) (i32.const 0) (i32.const 1) (i32.const 20)) (i32.const 29)))
            (call $check (i32.eqz (call $gput (i32.const 100) (i32.const 13) (i32.const 0) (i32.const 1) (i32.const 120) (i32.const 4) (i32.const 4))))
            (call $check (i32.eqz (call $gsize (i32.const 100) (i32.const 13) (i32.const 0) (i32.const 1) (i32.const 20))))
            (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 4)))
            """);
    HttpResponse r = run(RT, wat, inv(services), get("/g"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(services.globalStore().get("/res-789/uint32/hello")).containsExactly(0, 0, 0, 4);
    assertThat(services.globalStore().get("/string/hello")).isEmpty();
  }

  @Test
  void pubsubPublishSubscribeAndWebSocket() {
    InMemoryGuestServices services = new InMemoryGuestServices(List.of("someChannel"));
    String wat =
        module(
            """
            (data (i32.const 100) "someChannel")
            (data (i32.const 120) "Hello, world")
            (data (i32.const 140) "otherChannel")
            """,
            """
            (call $check (i32.eqz (call $pub (i32.const 100) (i32.const 11) (i32.const 120) (i32.const 12))))
            (call $check (i32.eqz (call $sub (i32.const 100) (i32.const 11))))
            (call $check (i32.eq (call $wsSize (i32.const 140) (i32.const 12) (i32.const 20)) (i32.const 38)))
            (call $check (i32.eqz (call $wsSize (i32.const 100) (i32.const 11) (i32.const 20))))
            (call $check (i32.eqz (call $ws (i32.const 100) (i32.const 11) (i32.const 1000))))
            (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 20)))
            """);
    HttpResponse r = run(RT, wat, inv(services), get("/pubsub"));
    assertThat(r.bodyText())
        .isEqualTo("ws-QmRPV8x4UtEg7w9qmnQU2xKW2FGazsPmxPfHG2MeQLKwNC/someChannel");
    assertThat(services.subscriptions()).containsExactly("someChannel");
    assertThat(services.publications()).hasSize(1);
    assertThat(services.publications().get(0).getKey()).isEqualTo("someChannel");
    assertThat(new String(services.publications().get(0).getValue(), StandardCharsets.UTF_8))
        .isEqualTo("Hello, world");
  }

  @Test
  void fifoAndMemoryViewWithinOneModule() {
    String wat =
        module(
            "(data (i32.const 100) \"hello world\")",
            """
            (local $id i32) (local $off i32)
            ;; fifo: id 1, push "hi", pop until 8
            (local.set $id (call $fifoNew (i32.const 1)))
            (call $check (i32.eq (local.get $id) (i32.const 1)))
            (drop (call $fifoPush (local.get $id) (i32.const 104)))
            (drop (call $fifoPush (local.get $id) (i32.const 105)))
            (block $done (loop $more
              (br_if $done (i32.eq (call $fifoPop (local.get $id) (i32.const 24)) (i32.const 8)))
              (call $w (local.get $ev) (i32.const 24) (i32.const 1))
              (br $more)))
            (call $check (i32.eq (call $fifoPop (i32.const 9) (i32.const 24)) (i32.const 115)))
            ;; memory view over "hello world", read in 4-byte chunks
            (call $check (i32.eq (call $mvNew (i32.const 100) (i32.const 11) (i32.const 2) (i32.const 16)) (i32.const 114)))
            (call $check (i32.eqz (call $mvNew (i32.const 100) (i32.const 11) (i32.const 1) (i32.const 16))))
            (call $check (i32.eq (i32.load (i32.const 16)) (i32.const 1)))
            (call $check (i32.eqz (call $mvOpen (i32.const 1) (i32.const 20) (i32.const 28))))
            (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 1)))
            (call $check (i32.eq (i32.load (i32.const 28)) (i32.const 11)))
            (block $end (loop $chunk
              (br_if $end (i32.ge_u (local.get $off) (i32.const 11)))
              (call $check (i32.eqz (call $mvRead (i32.const 1) (local.get $off) (i32.const 4) (i32.const 2000) (i32.const 32))))
              (call $w (local.get $ev) (i32.const 2000) (i32.load (i32.const 32)))
              (local.set $off (i32.add (local.get $off) (i32.load (i32.const 32))))
              (br $chunk)))
            (call $check (i32.eq (call $mvRead (i32.const 1) (i32.const 11) (i32.const 4) (i32.const 2000) (i32.const 32)) (i32.const 3)))
            """);
    HttpResponse r = run(RT, wat, inv(GuestServices.none()), get("/fifo"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("hihello world");
  }

  static final String FETCH =
      module(
          "(data (i32.const 100) \"url\") (data (i32.const 0) \"okno\") (data (i32.const 200) \"denied\")",
          """
          (local $n i32)
          (drop (call $qsize (local.get $ev) (i32.const 16) (i32.const 100) (i32.const 3)))
          (drop (call $q (local.get $ev) (i32.const 100) (i32.const 3) (i32.const 1000) (i32.const 0)))
          (call $check (i32.eqz (call $client (i32.const 20))))
          (call $check (i32.eqz (call $request (i32.load (i32.const 20)) (i32.const 24))))
          (call $check (i32.eqz (call $url (i32.load (i32.const 20)) (i32.load (i32.const 24)) (i32.const 1000) (i32.load (i32.const 16)))))
          (if (i32.eq (call $send (i32.load (i32.const 20)) (i32.load (i32.const 24))) (i32.const 13))
            (then (call $w (local.get $ev) (i32.const 200) (i32.const 6)) (return (i32.const 1))))
          (block $done (loop $more
            (br_if $done (i32.eq (call $rbody (i32.load (i32.const 20)) (i32.load (i32.const 24)) (i32.const 4000) (i32.const 5) (i32.const 28)) (i32.const 8)))
            (call $w (local.get $ev) (i32.const 4000) (i32.load (i32.const 28)))
            (br $more)))
          """);

  @Test
  void httpClientHonoursTheEgressPolicy() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/README.md",
        ex -> {
          byte[] b = "this is some stuff in the readme I guess".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    server.createContext(
        "/moved",
        ex -> {
          ex.getResponseHeaders().add("Location", "/README.md");
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      HttpResponse denied =
          run(RT, FETCH, inv(GuestServices.none()), get("/?url=" + base + "/README.md"));
      HttpResponse allowed =
          run(OPEN_EGRESS, FETCH, inv(GuestServices.none()), get("/?url=" + base + "/moved"));

      assertThat(denied.bodyText()).isEqualTo("denied");
      assertThat(allowed.bodyText()).isEqualTo("this is some stuff in the readme I guess");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void guestOutputGoesToTheLogNotTheBody() {
    String wat =
        module(
            """
            (data (i32.const 100) "from wasi\\n")
            (data (i32.const 200) "from _log")
            """,
            """
            (i32.store (i32.const 40) (i32.const 100))
            (i32.store (i32.const 44) (i32.const 10))
            (call $check (i32.eqz (call $fd_write (i32.const 1) (i32.const 40) (i32.const 1) (i32.const 48))))
            (call $log (i32.const 200) (i32.const 9))
            (call $log (i32.const 200) (i32.const -1))
            """);
    HttpResponse r = run(RT, wat, inv(GuestServices.none()), get("/"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.log()).isEqualTo("from wasi\nfrom _log\n\n");
  }
}
