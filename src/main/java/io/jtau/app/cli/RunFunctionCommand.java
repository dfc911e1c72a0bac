package io.jtau.app.cli;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.jtau.app.LocalGuestServices;
import io.jtau.model.Cid;
import io.jtau.runtime.wasm.CompiledModule;
import io.jtau.runtime.wasm.EgressPolicy;
import io.jtau.runtime.wasm.HttpRequest;
import io.jtau.runtime.wasm.HttpResponse;
import io.jtau.runtime.wasm.Invocation;
import io.jtau.runtime.wasm.WasmException;
import io.jtau.runtime.wasm.WasmRuntime;
import io.jtau.runtime.wasm.WasmRuntimeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tau run function}: runs one export of a wasm (or wat) module, or one function of a
 * JavaScript file, for a single HTTP request and prints the status, headers and body; the guest's
 * output goes to stderr. Exit code 0 when the status is below 500, 1 otherwise, 2 when the module
 * cannot be loaded. Databases, globals, storages and content live in {@code --data-dir} (kept
 * between runs) or a temporary folder. Plain Java, no node.
 */
@Command(
    name = "function",
    mixinStandardHelpOptions = true,
    description = "Run a function's wasm module or JavaScript file for one HTTP request.")
public class RunFunctionCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"--module", "--wasm", "--js"},
      required = true,
      description =
          "Function file: .wasm, .wat text, or JavaScript (.js, or any file starting with"
              + " '// jtau-js 1'). --wasm and --js are aliases.")
  Path wasm;

  @Option(names = "--call", required = true, description = "Export to call.")
  String call;

  @Option(names = "--method", defaultValue = "GET", description = "HTTP method (default GET).")
  String method;

  @Option(
      names = "--path",
      defaultValue = "/",
      description = "Request path, optionally with ?query (default /).")
  String path;

  @Option(names = "--header", description = "Request header K:V; repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--body", description = "Request body text, or @FILE.")
  String body;

  @Option(names = "--timeout", defaultValue = "30s", description = "Deadline, e.g. 500ms, 10s.")
  String timeout;

  @Option(names = "--memory", defaultValue = "64MB", description = "Memory limit, e.g. 64MB.")
  String memory;

  @Option(
      names = "--allow-local-egress",
      description = "Let the guest's HTTP client reach loopback and private addresses.")
  boolean allowLocalEgress;

  @Option(names = "--interpreted", description = "Use the interpreter instead of the compiler.")
  boolean interpreted;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep the function's databases, globals, storages and content in DIR (created if"
              + " missing), so the next run sees them. Default: a temporary folder deleted after"
              + " the run.")
  Path dataDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] bytes = Files.readAllBytes(wasm);
    String file = wasm.getFileName().toString();
    if (file.endsWith(".wat")) {
      bytes = Wat2Wasm.parse(new String(bytes, StandardCharsets.UTF_8));
    } else if (file.endsWith(".js") && !startsWith(bytes, JS_HEADER)) {
      // a plain script: mark it as a JavaScript function (the build adds this line too)
      byte[] marked = new byte[JS_HEADER.length + 1 + bytes.length];
      System.arraycopy(JS_HEADER, 0, marked, 0, JS_HEADER.length);
      marked[JS_HEADER.length] = '\n';
      System.arraycopy(bytes, 0, marked, JS_HEADER.length + 1, bytes.length);
      bytes = marked;
    }
    WasmRuntimeConfig config = WasmRuntimeConfig.defaults().withWorkers(1);
    if (allowLocalEgress) {
      config = config.withEgress(EgressPolicy.allowAll());
    }
    if (interpreted) {
      config = config.withMode(io.jtau.runtime.wasm.ExecutionMode.INTERPRETED);
    }
    try (WasmRuntime runtime = new WasmRuntime(config)) {
      CompiledModule module;
      try {
        module = runtime.compile(localCid(bytes), bytes);
      } catch (WasmException e) {
        err.println("cannot load " + wasm + ": " + e.getMessage());
        err.flush();
        return 2;
      }
      Path dir = dataDir != null ? dataDir : Files.createTempDirectory("jtau-run-");
      HttpResponse r;
      try {
        Files.createDirectories(dir);
        try (LocalGuestServices services = new LocalGuestServices(dir)) {
          Invocation inv =
              new Invocation(
                  "local",
                  "",
                  "local",
                  "",
                  "main",
                  call,
                  parseSize(memory),
                  parseDuration(timeout),
                  services);
          r = runtime.invokeHttp(module, inv, request());
        }
      } finally {
        if (dataDir == null) {
          deleteTree(dir);
        }
      }
      out.println(r.status());
      for (Map.Entry<String, String> h : r.headers()) {
        out.println(h.getKey() + ": " + h.getValue());
      }
      out.println();
      out.print(new String(r.body(), StandardCharsets.UTF_8));
      out.flush();
      if (!r.log().isEmpty()) {
        err.print(r.log());
        err.flush();
      }
      return r.status() < 500 ? 0 : 1;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static final byte[] JS_HEADER = "// jtau-js 1".getBytes(StandardCharsets.US_ASCII);

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length
        && java.util.Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  private HttpRequest request() throws IOException {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (String kv : headers) {
      int colon = kv.indexOf(':');
      if (colon <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "bad --header " + kv);
      }
      h.computeIfAbsent(kv.substring(0, colon).trim(), k -> new ArrayList<>())
          .add(kv.substring(colon + 1).trim());
    }
    byte[] b = new byte[0];
    if (body != null) {
      b =
          body.startsWith("@")
              ? Files.readAllBytes(Path.of(body.substring(1)))
              : body.getBytes(StandardCharsets.UTF_8);
    }
    int q = path.indexOf('?');
    String p = q < 0 ? path : path.substring(0, q);
    String query = q < 0 ? "" : path.substring(q + 1);
    String decoded = java.net.URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
    return new HttpRequest(
        method.toUpperCase(Locale.ROOT), "localhost", decoded, query, h, b, "127.0.0.1:0");
  }

  /** Parses {@code 500ms}, {@code 10s}, {@code 2m} or plain seconds into nanoseconds. */
  static long parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long unit = 1_000_000_000L;
    if (t.endsWith("ms")) {
      unit = 1_000_000L;
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unit = 60_000_000_000L;
      t = t.substring(0, t.length() - 1);
    }
    return Math.round(Double.parseDouble(t) * unit);
  }

  /** Parses {@code 64MB}, {@code 1GiB}, {@code 512KB} or plain bytes; KB/MB/GB are powers of 2. */
  static long parseSize(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT).replace("IB", "B");
    long unit = 1;
    if (t.endsWith("KB")) {
      unit = 1L << 10;
    } else if (t.endsWith("MB")) {
      unit = 1L << 20;
    } else if (t.endsWith("GB")) {
      unit = 1L << 30;
    }
    if (unit > 1) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    return Math.round(Double.parseDouble(t) * unit);
  }

  /** A stand-in content id for a local file (sha-256, not a real CIDv1 encoding). */
  private static Cid localCid(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return new Cid("blocal" + HexFormat.of().formatHex(d));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
