package io.jtau.runtime.wasm;

import io.roastedroot.quickjs4j.core.Builtins;
import io.roastedroot.quickjs4j.core.Engine;
import io.roastedroot.quickjs4j.core.HostFunction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import run.endive.wasm.types.MemoryLimits;

/**
 * JavaScript functions on quickjs4j (QuickJS compiled to Wasm, run by Endive). A script is a UTF-8
 * file whose first line is {@value #HEADER}; its top-level function named by the function's {@code
 * call} is invoked with {@code (jtau.request, jtau.response)}. The API (documented in
 * docs/functions-js.md) mirrors the SDK and goes through the same {@link GuestServices}, with the
 * same memory cap, deadline and host-call quota as Wasm guests.
 *
 * <p>Scripts are compiled to QuickJS bytecode once per (script, call) and run in a fresh engine per
 * request (nothing survives between requests). Thread-safe.
 */
final class JsEngine {

  /** The first line that marks a JavaScript function artifact (contract with the build). */
  static final String HEADER = "// jtau-js 1";

  private static final String MODULE = "__jtau";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
  private static final Pattern LOCATION = Pattern.compile("function\\.mjs:(\\d+):(\\d+)");

  /**
   * The user-facing API, on one line so that it replaces the header line and keeps the script's own
   * line numbers. Host calls answer {@code {ok, value, error}}; failures become JS errors.
   */
  private static final String PRELUDE =
      ("const jtau = (() => { const h = globalThis.__jtau;"
              + " const u = (r) => { if (!r.ok) throw new Error(r.error); return r.value; };"
              + " const req = u(h.request());"
              + " const response = { status: (c) => u(h.status(c)),"
              + " header: (k, v) => u(h.header(String(k), String(v))),"
              + " write: (t) => u(h.write(String(t))), writeBase64: (b) => u(h.writeBase64(b)) };"
              + " const db = (name) => ({ get: (k) => u(h.dbGet(name, String(k))),"
              + " put: (k, v) => u(h.dbPut(name, String(k), String(v))),"
              + " delete: (k) => u(h.dbDelete(name, String(k))),"
              + " list: (p) => u(h.dbList(name, p === undefined ? '' : String(p))) });"
              + " const storage = (name) => ({"
              + " add: (f, t, o) => u(h.storageAdd(name, String(f), String(t), o === true)),"
              + " get: (f, v) => u(h.storageGet(name, String(f), v === undefined ? 0 : v)),"
              + " versions: (f) => u(h.storageVersions(name, String(f))),"
              + " list: () => u(h.storageList(name)),"
              + " delete: (f, v, all) => u(h.storageDelete(name, String(f),"
              + " v === undefined ? 0 : v, all === true)) });"
              + " const scope = (o) => [!!(o && o.app), !!(o && o.fn)];"
              + " const globals = { get: (n, o) => u(h.globalGet(String(n), ...scope(o))),"
              + " put: (n, v, o) => u(h.globalPut(String(n), String(v), ...scope(o))) };"
              + " const pubsub = { publish: (c, t) => u(h.publish(String(c), String(t))) };"
              + " return Object.freeze({ request: req, response, db, storage, globals, pubsub,"
              + " self: req.self, log: (t) => u(h.log(String(t))) }); })();")
          .replace('\n', ' ');

  private final Map<String, byte[]> bytecode = new ConcurrentHashMap<>();
  private final String source;
  private final int preludeLines;

  private JsEngine(String source) {
    this.source = source;
    // quickjs4j prepends 4 lines for its own engine module, then 1 + one per host function
    this.preludeLines = 4 + 1 + hostFunctionNames().size();
  }

  /** True when the bytes are a JavaScript function artifact (the header line, then a newline). */
  static boolean isJs(byte[] artifact) {
    byte[] h = HEADER.getBytes(StandardCharsets.US_ASCII);
    if (artifact.length < h.length) {
      return false;
    }
    for (int i = 0; i < h.length; i++) {
      if (artifact[i] != h[i]) {
        return false;
      }
    }
    return artifact.length == h.length
        || artifact[h.length] == '\n'
        || artifact[h.length] == '\r'
        || artifact[h.length] == ' ';
  }

  /**
   * Checks the script compiles and returns an engine for it.
   *
   * @throws WasmException (phase INVALID) naming the line of a syntax error
   */
  static JsEngine compile(byte[] artifact) throws WasmException {
    String text = new String(artifact, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    String body = nl < 0 ? "" : text.substring(nl + 1);
    JsEngine e = new JsEngine(body);
    e.bytecodeFor(null);
    return e;
  }

  /** The bytecode of the script followed by the call of {@code call} (none when null). */
  private byte[] bytecodeFor(String call) throws WasmException {
    String key = call == null ? "" : call;
    byte[] cached = bytecode.get(key);
    if (cached != null) {
      return cached;
    }
    String suffix =
        call == null
            ? ""
            : "\n;if (typeof "
                + call
                + " !== 'function') throw new Error('missing export: "
                + call
                + "');\n"
                + call
                + "(jtau.request, jtau.response);\n";
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (Engine engine =
        Engine.builder()
            .addBuiltins(builtins(null))
            .withStdout(new ByteArrayOutputStream())
            .withStderr(err)
            .build()) {
      int ptr = engine.compile(PRELUDE + "\n" + source + suffix);
      byte[] code = engine.readCompiled(ptr);
      engine.free(ptr);
      bytecode.put(key, code);
      return code;
    } catch (RuntimeException e) {
      String detail = describe(err.toString(StandardCharsets.UTF_8) + "\n" + e.getMessage());
      throw new WasmException(WasmException.Phase.INVALID, "javascript: " + detail, e);
    }
  }

  /**
   * Runs the script for one HTTP event on the calling (worker) thread. Interrupting the thread
   * stops the script. Failures come back as {@link GuestAbort} (500 with a short reason).
   */
  void run(InvocationContext ctx, HttpEvent event, MemoryLease lease, int capPages) {
    String call = ctx.invocation.call();
    if (!IDENTIFIER.matcher(call).matches()) {
      throw new GuestAbort(500, "missing export: " + call);
    }
    byte[] code;
    try {
      code = bytecodeFor(call);
    } catch (WasmException e) {
      throw new GuestAbort(500, e.getMessage());
    }
    LogStream out = new LogStream(ctx.log);
    Bindings bindings = new Bindings(ctx, event);
    Engine engine =
        Engine.builder()
            .addBuiltins(builtins(bindings))
            .withStdout(out)
            .withStderr(out)
            .withMemoryFactory(limits -> memory(limits, capPages, lease))
            .build();
    try {
      int ptr = engine.writeCompiled(code);
      engine.exec(ptr);
      bindings.commit();
    } catch (GuestAbort a) {
      throw a;
    } catch (RuntimeException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof GuestAbort a) {
          throw a;
        }
      }
      if (Thread.currentThread().isInterrupted() || ctx.remainingNanos() <= 0) {
        throw new GuestAbort(500, "timeout");
      }
      throw new GuestAbort(500, "javascript error: " + describe(out.captured()));
    } finally {
      try {
        engine.close();
      } catch (RuntimeException ignored) {
        // a stopped engine may fail to flush its streams; nothing to keep
      }
    }
  }

  private static run.endive.runtime.Memory memory(MemoryLimits declared, int cap, MemoryLease l) {
    int max = Math.min(declared.maximumPages(), cap);
    int initial = declared.initialPages();
    if (initial > max) {
      throw new GuestAbort(
          500, "memory limit: the JavaScript engine needs " + initial + " pages, limit " + max);
    }
    if (!l.claimInitial(initial)) {
      throw new GuestAbort(503, "guest memory budget exhausted");
    }
    return new EndiveBudgetedMemory(new MemoryLimits(initial, max, declared.shared()), l);
  }

  /** The first error line of QuickJS's panic text, with the line number of the user's script. */
  private String describe(String stderr) {
    String msg = null;
    int at = stderr.indexOf("`Err` value: ");
    if (at >= 0) {
      String rest = stderr.substring(at + "`Err` value: ".length());
      int end = rest.indexOf('\n');
      msg = (end < 0 ? rest : rest.substring(0, end)).trim();
    }
    Matcher m = LOCATION.matcher(stderr);
    String where = "";
    if (m.find()) {
      int line = Integer.parseInt(m.group(1)) - preludeLines;
      where = " (line " + Math.max(1, line) + ")";
    }
    if (msg == null || msg.isEmpty()) {
      String first = stderr.strip();
      int end = first.indexOf('\n');
      msg = end < 0 ? first : first.substring(0, end);
    }
    if (msg.length() > 200) {
      msg = msg.substring(0, 200);
    }
    return msg + where;
  }

  // ---- host functions

  /**
   * The per-request state the host functions act on; null only while compiling. The status is held
   * back until the first write (or the end) so that headers set after it still count, unlike the
   * wasm ABI where setting the status commits the headers.
   */
  private static final class Bindings {
    final InvocationContext ctx;
    final HttpEvent event;
    private int status;

    Bindings(InvocationContext ctx, HttpEvent event) {
      this.ctx = ctx;
      this.event = event;
    }

    synchronized void status(int code) {
      status = code;
    }

    synchronized void commit() {
      if (status != 0) {
        event.status(status);
        status = 0;
      }
    }
  }

  private static List<String> hostFunctionNames() {
    List<String> names = new ArrayList<>();
    for (HostFunction f : builtins(null).functions()) {
      names.add(f.name());
    }
    return names;
  }

  private static Map<String, Object> ok(Object value) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", true);
    r.put("value", value);
    return r;
  }

  private static Map<String, Object> error(String message) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", false);
    r.put("error", message);
    return r;
  }

  private static byte[] utf8(Object o) {
    return String.valueOf(o).getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static boolean bool(Object o) {
    return Boolean.TRUE.equals(o);
  }

  private static int integer(Object o) {
    return o instanceof Number n ? n.intValue() : 0;
  }

  @FunctionalInterface
  private interface Body {
    Object apply(Bindings b, List<Object> args) throws Exception;
  }

  private static Builtins builtins(Bindings bindings) {
    Builtins.Builder b = Builtins.builder(MODULE);
    add(b, bindings, "request", List.of(), (x, a) -> request(x));
    add(
        b,
        bindings,
        "status",
        List.of(Integer.class),
        (x, a) -> {
          int code = integer(a.get(0));
          if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status must be 100-999");
          }
          x.status(code);
          return null;
        });
    add(
        b,
        bindings,
        "header",
        List.of(String.class, String.class),
        (x, a) -> {
          x.event.addHeader(String.valueOf(a.get(0)), String.valueOf(a.get(1)));
          return null;
        });
    add(b, bindings, "write", List.of(String.class), (x, a) -> write(x, utf8(a.get(0))));
    add(
        b,
        bindings,
        "writeBase64",
        List.of(String.class),
        (x, a) -> write(x, Base64.getDecoder().decode(String.valueOf(a.get(0)))));
    add(
        b,
        bindings,
        "dbGet",
        List.of(String.class, String.class),
        (x, a) -> text(db(x, a).get(String.valueOf(a.get(1)))));
    add(
        b,
        bindings,
        "dbPut",
        List.of(String.class, String.class, String.class),
        (x, a) -> {
          db(x, a).put(String.valueOf(a.get(1)), utf8(a.get(2)));
          return null;
        });
    add(
        b,
        bindings,
        "dbDelete",
        List.of(String.class, String.class),
        (x, a) -> {
          db(x, a).delete(String.valueOf(a.get(1)));
          return null;
        });
    add(
        b,
        bindings,
        "dbList",
        List.of(String.class, String.class),
        (x, a) -> db(x, a).list(String.valueOf(a.get(1))));
    add(
        b,
        bindings,
        "storageAdd",
        List.of(String.class, String.class, String.class, Boolean.class),
        (x, a) ->
            storage(x, a, true).add(String.valueOf(a.get(1)), utf8(a.get(2)), bool(a.get(3))));
    add(
        b,
        bindings,
        "storageGet",
        List.of(String.class, String.class, Integer.class),
        (x, a) -> text(storage(x, a, true).read(String.valueOf(a.get(1)), integer(a.get(2)))));
    add(
        b,
        bindings,
        "storageVersions",
        List.of(String.class, String.class),
        (x, a) -> storage(x, a, true).versions(String.valueOf(a.get(1))));
    add(b, bindings, "storageList", List.of(String.class), (x, a) -> storage(x, a, true).files());
    add(
        b,
        bindings,
        "storageDelete",
        List.of(String.class, String.class, Integer.class, Boolean.class),
        (x, a) -> {
          storage(x, a, true).delete(String.valueOf(a.get(1)), integer(a.get(2)), bool(a.get(3)));
          return null;
        });
    add(
        b,
        bindings,
        "globalGet",
        List.of(String.class, Boolean.class, Boolean.class),
        (x, a) ->
            text(
                globals(x)
                    .get(
                        SdkFamilies.globalKey(
                            x.ctx.invocation,
                            String.valueOf(a.get(0)),
                            bool(a.get(1)),
                            bool(a.get(2))))));
    add(
        b,
        bindings,
        "globalPut",
        List.of(String.class, String.class, Boolean.class, Boolean.class),
        (x, a) -> {
          globals(x)
              .put(
                  SdkFamilies.globalKey(
                      x.ctx.invocation, String.valueOf(a.get(0)), bool(a.get(2)), bool(a.get(3))),
                  utf8(a.get(1)));
          return null;
        });
    add(
        b,
        bindings,
        "publish",
        List.of(String.class, String.class),
        (x, a) -> {
          if (!x.ctx
              .invocation
              .services()
              .publish(x.ctx.invocation, String.valueOf(a.get(0)), utf8(a.get(1)))) {
            throw new IllegalStateException("publish failed");
          }
          return null;
        });
    add(
        b,
        bindings,
        "log",
        List.of(String.class),
        (x, a) -> {
          x.ctx.log.line(utf8(a.get(0)));
          return null;
        });
    return b.build();
  }

  private static void add(
      Builtins.Builder b, Bindings bindings, String name, List<Class> params, Body body) {
    Function<List<Object>, Object> impl =
        args -> {
          if (bindings == null) {
            return error("not available while compiling");
          }
          bindings.ctx.tick();
          try {
            return ok(body.apply(bindings, args));
          } catch (GuestAbort a) {
            throw a;
          } catch (Exception e) {
            return error(name + " failed: " + e.getMessage());
          }
        };
    b.add(new HostFunction(name, params, Object.class, impl));
  }

  private static Object write(Bindings x, byte[] data) {
    x.commit();
    int r = x.event.write(data);
    if (r != Errno.NONE) {
      throw new GuestAbort(500, "response too large");
    }
    return data.length;
  }

  private static Map<String, Object> request(Bindings x) {
    HttpRequest r = x.event.request();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", r.method());
    m.put("host", r.host());
    m.put("path", r.path());
    m.put("rawQuery", r.rawQuery());
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (String k : x.event.queryKeys()) {
      query.put(k, x.event.queryValues(k));
    }
    m.put("query", query);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    r.headers().forEach((k, v) -> headers.put(HttpNames.canonical(k), v));
    m.put("headers", headers);
    m.put("body", new String(r.body(), StandardCharsets.UTF_8));
    m.put("bodyBase64", Base64.getEncoder().encodeToString(r.body()));
    Invocation inv = x.ctx.invocation;
    Map<String, Object> self = new LinkedHashMap<>();
    self.put("project", inv.project());
    self.put("application", inv.application());
    self.put("id", inv.resourceId());
    self.put("commit", inv.commit());
    m.put("self", self);
    return m;
  }

  private static KeyValueStore db(Bindings x, List<Object> a) {
    String name = String.valueOf(a.get(0));
    return x.ctx
        .state
        .openDatabaseByName(name)
        .orElseThrow(() -> new IllegalArgumentException("no database matches " + name));
  }

  private static FileStorage storage(Bindings x, List<Object> a, boolean create) {
    String name = String.valueOf(a.get(0));
    return x.ctx
        .state
        .openStorageByName(name, create)
        .orElseThrow(() -> new IllegalArgumentException("no storage matches " + name));
  }

  private static KeyValueStore globals(Bindings x) {
    KeyValueStore g = x.ctx.state.globals();
    if (g == null) {
      throw new IllegalStateException("no global store");
    }
    return g;
  }

  /** Guest output into the invocation's bounded log; keeps a short copy for error messages. */
  private static final class LogStream extends ByteArrayOutputStream {
    private final BoundedLog log;
    private final StringBuilder tail = new StringBuilder();

    LogStream(BoundedLog log) {
      this.log = log;
    }

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      log.append(b, off, len);
      if (tail.length() < 4096) {
        tail.append(new String(b, off, Math.min(len, 4096), StandardCharsets.UTF_8));
      }
    }

    @Override
    public void writeBytes(byte[] b) {
      write(b, 0, b.length);
    }

    synchronized String captured() {
      return tail.toString();
    }
  }
}
