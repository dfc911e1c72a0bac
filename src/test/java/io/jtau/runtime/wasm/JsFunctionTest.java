package io.jtau.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** JavaScript functions on quickjs4j: the documented API, its backends and the limits. */
class JsFunctionTest {

  private static final WasmRuntime RT =
      new WasmRuntime(WasmRuntimeConfig.defaults().withWorkers(2));

  @AfterAll
  static void close() {
    RT.close();
  }

  static CompiledModule js(String script) {
    byte[] b = ("// jtau-js 1\n" + script).getBytes(StandardCharsets.UTF_8);
    try {
      return RT.compile(Guests.cidOf(b), b);
    } catch (WasmException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static Invocation inv(String call, GuestServices services, long timeoutMillis, long memory) {
    return new Invocation(
        "proj-123",
        "app-456",
        "res-789",
        "commit-abc",
        "main",
        call,
        memory,
        timeoutMillis * 1_000_000L,
        services);
  }

  static Invocation inv(String call, GuestServices services) {
    return inv(call, services, 20_000, 0);
  }

  @Test
  void readsTheRequestAndWritesTheResponse() {
    CompiledModule m =
        js(
            """
            function handle(req, res) {
              res.status(201);
              res.header('x-echo', req.headers['X-Test'][0]);
              res.write(JSON.stringify({method: req.method, path: req.path,
                name: req.query.name[0], body: req.body, id: req.self.id}));
            }
            """);
    HttpResponse r =
        RT.invokeHttp(
            m,
            inv("handle", GuestServices.none()),
            new HttpRequest(
                "POST",
                "example.com",
                "/hello",
                "name=ada",
                Map.of("x-test", List.of("yes")),
                "payload".getBytes(StandardCharsets.UTF_8),
                ""));

    assertThat(m.isJavaScript()).isTrue();
    assertThat(r.status()).as(r.bodyText()).isEqualTo(201);
    assertThat(r.header("X-Echo")).isEqualTo("yes");
    assertThat(r.bodyText())
        .isEqualTo(
            "{\"method\":\"POST\",\"path\":\"/hello\",\"name\":\"ada\",\"body\":\"payload\",\"id\":\"res-789\"}");
  }

  @Test
  void databaseStorageGlobalsAndPubSubGoThroughGuestServices() throws Exception {
    InMemoryGuestServices services = InMemoryGuestServices.persistent();
    CompiledModule m =
        js(
            """
            function handle(req, res) {
              const db = jtau.db('notes');
              db.put('a', 'one');
              db.put('b', 'two');
              db.delete('b');
              const files = jtau.storage('files');
              const v1 = files.add('readme', 'first');
              const v2 = files.add('readme', 'second');
              jtau.globals.put('/string/greeting', 'hi', {fn: true});
              jtau.pubsub.publish('news', 'hello');
              jtau.log('logged');
              res.write([db.get('a'), db.get('b'), db.list('').join(','), v1, v2,
                files.get('readme', 1), files.get('readme'), files.list().join(','),
                jtau.globals.get('/string/greeting', {fn: true})].join('|'));
            }
            """);
    HttpResponse r = RT.invokeHttp(m, inv("handle", services), Guests.get("/"));

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(r.bodyText())
        .isEqualTo("one||a,size/a|1|2|first|second|/file/readme/1,/file/readme/2|hi");
    assertThat(r.log()).contains("logged");
    assertThat(services.publications()).hasSize(1);
    assertThat(services.publications().get(0).getKey()).isEqualTo("news");
    assertThat(services.globalStore().get("/res-789/string/greeting"))
        .isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void hostErrorsAreJavaScriptErrorsTheScriptCanCatch() {
    CompiledModule m =
        js(
            """
            function handle(req, res) {
              try { jtau.db('x').get('k'); res.write('no error'); }
              catch (e) { res.write('caught: ' + e.message); }
            }
            """);
    HttpResponse r = RT.invokeHttp(m, inv("handle", GuestServices.none()), Guests.get("/"));
    assertThat(r.bodyText()).isEqualTo("caught: dbGet failed: no database matches x");
  }

  @Test
  void anUncaughtErrorIs500WithTheMessageAndLine() {
    CompiledModule m =
        js(
            """
            function handle(req, res) {
              res.write('partial');
              throw new Error('boom');
            }
            """);
    HttpResponse r = RT.invokeHttp(m, inv("handle", GuestServices.none()), Guests.get("/"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).isEqualTo("javascript error: Error: boom (line 4)");
  }

  @Test
  void missingFunctionIs500() {
    CompiledModule m = js("function handle(req, res) {}\n");
    HttpResponse r = RT.invokeHttp(m, inv("nope", GuestServices.none()), Guests.get("/"));
    HttpResponse bad = RT.invokeHttp(m, inv("no-pe", GuestServices.none()), Guests.get("/"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).contains("missing export: nope");
    assertThat(bad.bodyText()).isEqualTo("missing export: no-pe");
  }

  @Test
  void aSyntaxErrorIsRejectedAtCompileWithItsLine() {
    byte[] b = "// jtau-js 1\nfunction handle(req, res) {\n  res.write(;\n}\n".getBytes();
    assertThatThrownBy(() -> RT.compile(Guests.cidOf(b), b))
        .isInstanceOfSatisfying(
            WasmException.class, e -> assertThat(e.phase()).isEqualTo(WasmException.Phase.INVALID))
        .hasMessageContaining("line 3");
  }

  @Test
  void anInfiniteLoopIsStoppedAtTheDeadlineAndTheRuntimeServesTheNextRequest() {
    CompiledModule loop = js("function handle(req, res) { while (true) {} }\n");
    CompiledModule hello = js("function handle(req, res) { res.write('still here'); }\n");

    HttpResponse r =
        RT.invokeHttp(loop, inv("handle", GuestServices.none(), 1500, 0), Guests.get("/"));
    HttpResponse next = RT.invokeHttp(hello, inv("handle", GuestServices.none()), Guests.get("/"));

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).isEqualTo("timeout");
    assertThat(next.bodyText()).isEqualTo("still here");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> RT.memoryInUseBytes() == 0);
  }

  @Test
  void memoryIsCappedByTheFunctionLimit() {
    CompiledModule hog =
        js(
            """
            function handle(req, res) {
              const keep = [];
              for (let i = 0; i < 100000; i++) keep.push(new Array(100000).fill(i));
              res.write('unreachable');
            }
            """);
    HttpResponse r =
        RT.invokeHttp(hog, inv("handle", GuestServices.none(), 20_000, 8L << 20), Guests.get("/"));
    HttpResponse tooSmall =
        RT.invokeHttp(hog, inv("handle", GuestServices.none(), 20_000, 1L << 20), Guests.get("/"));

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).doesNotContain("unreachable");
    assertThat(tooSmall.status()).isEqualTo(500);
    assertThat(tooSmall.bodyText()).startsWith("memory limit");
  }
}
