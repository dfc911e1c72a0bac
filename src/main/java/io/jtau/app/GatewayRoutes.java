package io.jtau.app;

import io.jtau.model.FunctionTarget;
import io.jtau.model.ProjectKey;
import io.jtau.runtime.gateway.Gateway;
import io.jtau.runtime.gateway.ProjectLimiter;
import io.jtau.runtime.gateway.StaticRequest;
import io.jtau.runtime.gateway.StaticResponse;
import io.jtau.runtime.gateway.WebsiteServer;
import io.jtau.runtime.wasm.HttpRequest;
import io.jtau.runtime.wasm.HttpResponse;
import io.jtau.runtime.wasm.Invocation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The public HTTP entry, in front of every other route. A request whose host a project serves goes
 * to that project's function or website (tau's matching rules, {@link Gateway#match}); a host no
 * project serves gets 404 unless it is one of the node's own names (IP literals, {@code localhost},
 * the cloud FQDN, {@code *.tau.<fqdn>}, {@code jtau.gateway.node-hosts}), which fall through to the
 * node's API, Git server and health endpoints. Never a default project. Each project's requests
 * pass its rate and concurrency limits (429, 503), and every request writes one structured line to
 * the {@code jtau.access} log.
 */
@ApplicationScoped
public class GatewayRoutes {

  private static final Logger ACCESS = Logger.getLogger("jtau.access");
  private static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";

  @Inject Node node;
  @Inject MeterRegistry meters;

  private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers =
      new java.util.concurrent.ConcurrentHashMap<>();

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE + 100).handler(this::handle);
  }

  void handle(RoutingContext ctx) {
    long t0 = System.nanoTime();
    HttpServerRequest req = ctx.request();
    String rawHost = req.authority() != null ? req.authority().toString() : req.getHeader("Host");
    String host = Gateway.normalizeHost(rawHost);
    if (req.path().startsWith(ACME_CHALLENGE)) {
      // HTTP-01: answered only for the exact name being validated, before any project route.
      java.util.Optional<String> answer =
          node.acmeChallenges().answer(host, req.path().substring(ACME_CHALLENGE.length()));
      if (answer.isPresent()) {
        observe(ctx, t0, host, "-", "acme");
        ctx.response().putHeader("Content-Type", "application/octet-stream").end(answer.get());
        return;
      }
    }
    Gateway gateway = node.gateway();
    java.util.Optional<ProjectKey> owner = gateway.owner(host);
    if (owner.isEmpty()) {
      if (isNodeHost(host)) {
        observe(ctx, t0, host, "-", "node");
        ctx.next();
        return;
      }
      observe(ctx, t0, host, "-", "unknown-host");
      plain(ctx, 404, "no project serves " + (host.isEmpty() ? "this host" : host) + "\n");
      return;
    }
    String project = owner.get().project();
    observe(ctx, t0, host, project, "project");
    String path;
    try {
      path = decodePath(req.path());
    } catch (IllegalArgumentException e) {
      plain(ctx, 400, "bad request path: " + e.getMessage() + "\n");
      return;
    }
    ProjectLimiter.Admission admission = node.limiter().acquire(project);
    if (admission instanceof ProjectLimiter.Refused refused) {
      if (refused.status() == 429) {
        ctx.response().putHeader("Retry-After", "1");
      }
      plain(ctx, refused.status(), refused.reason() + "\n");
      return;
    }
    ProjectLimiter.Admitted admitted = (ProjectLimiter.Admitted) admission;
    ctx.addEndHandler(v -> admitted.release());
    Gateway.Match m = gateway.match(host, req.method().name(), path);
    if (m instanceof Gateway.WebsiteFound wf) {
      serveWebsite(ctx, wf, req.path(), path);
      return;
    }
    if (m instanceof Gateway.NotFound || m instanceof Gateway.UnknownHost) {
      plain(ctx, 404, "not found: " + path + "\n");
      return;
    }
    if (m instanceof Gateway.MethodNotAllowed na) {
      ctx.response().putHeader("Allow", String.join(", ", na.allowed()));
      plain(ctx, 405, "method " + req.method().name() + " not allowed on " + path + "\n");
      return;
    }
    FunctionTarget target = ((Gateway.Found) m).route().function();
    int maxBody = node.config().gateway().maxBodyBytes();
    String lengthHeader = req.getHeader("Content-Length");
    if (lengthHeader != null) {
      try {
        if (Long.parseLong(lengthHeader.trim()) > maxBody) {
          plain(ctx, 413, "request body over " + maxBody + " bytes\n");
          return;
        }
      } catch (NumberFormatException e) {
        plain(ctx, 400, "bad Content-Length\n");
        return;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean[] tooLarge = {false};
    req.handler(
        chunk -> {
          if (body.size() + chunk.length() > maxBody) {
            tooLarge[0] = true;
          } else if (!tooLarge[0]) {
            body.writeBytes(chunk.getBytes());
          }
        });
    req.endHandler(
        v -> {
          if (tooLarge[0]) {
            plain(ctx, 413, "request body over " + maxBody + " bytes\n");
            return;
          }
          HttpRequest request =
              new HttpRequest(
                  req.method().name(),
                  rawHost == null ? host : rawHost,
                  path,
                  req.query() == null ? "" : req.query(),
                  headers(req),
                  body.toByteArray(),
                  req.remoteAddress() == null ? "" : req.remoteAddress().toString());
          ctx.vertx()
              .<HttpResponse>executeBlocking(() -> invoke(target, request), false)
              .onComplete(
                  ar -> {
                    if (ar.failed()) {
                      plain(ctx, 500, "function failed: " + ar.cause().getMessage() + "\n");
                      return;
                    }
                    HttpResponse r = ar.result();
                    var resp = ctx.response().setStatusCode(r.status());
                    for (Map.Entry<String, String> h : r.headers()) {
                      resp.headers().add(h.getKey(), h.getValue());
                    }
                    resp.end(Buffer.buffer(r.body()));
                  });
        });
  }

  private void serveWebsite(
      RoutingContext ctx, Gateway.WebsiteFound wf, String rawPath, String path) {
    String problem = unsafeWebsitePath(rawPath, path);
    if (problem != null) {
      plain(ctx, 400, "bad request path: " + problem + "\n");
      return;
    }
    HttpServerRequest req = ctx.request();
    StaticRequest sr =
        new StaticRequest(
            req.method().name(),
            path,
            req.getHeader("If-None-Match"),
            req.getHeader("Range"),
            req.getHeader("If-Range"),
            req.getHeader("Accept-Encoding"));
    WebsiteServer server = node.websites();
    io.jtau.model.Cid bundle = wf.route().website().bundle();
    try {
      java.util.Optional<StaticResponse> fast = server.serve(bundle, wf.matchedPath(), sr, false);
      if (fast.isPresent()) {
        write(ctx, fast.get());
        return;
      }
    } catch (Exception e) {
      plain(ctx, 500, "website " + wf.route().website().name() + ": " + e.getMessage() + "\n");
      return;
    }
    ctx.vertx()
        .<java.util.Optional<StaticResponse>>executeBlocking(
            () -> server.serve(bundle, wf.matchedPath(), sr, true), false)
        .onComplete(
            ar -> {
              if (ar.failed() || ar.result().isEmpty()) {
                String why = ar.failed() ? ar.cause().getMessage() : "not ready";
                plain(ctx, 500, "website " + wf.route().website().name() + ": " + why + "\n");
                return;
              }
              write(ctx, ar.result().get());
            });
  }

  /**
   * Refuses website paths that try to leave the bundle or hide separators: encoded slashes and
   * backslashes, and {@code .} or {@code ..} segments (raw or percent-encoded).
   */
  static String unsafeWebsitePath(String rawPath, String decoded) {
    String lower = rawPath.toLowerCase(Locale.ROOT);
    if (lower.contains("%2f") || lower.contains("%5c")) {
      return "encoded slash";
    }
    if (decoded.indexOf('\\') >= 0) {
      return "backslash";
    }
    for (String seg : decoded.split("/", -1)) {
      if (seg.equals("..") || seg.equals(".")) {
        return "dot segment";
      }
    }
    return null;
  }

  private static void write(RoutingContext ctx, StaticResponse r) {
    var resp = ctx.response().setStatusCode(r.status());
    for (Map.Entry<String, String> h : r.headers()) {
      resp.headers().add(h.getKey(), h.getValue());
    }
    StaticResponse.Body b = r.body();
    if (b instanceof StaticResponse.Bytes bytes) {
      resp.end(Buffer.buffer(Unpooled.wrappedBuffer(bytes.data(), bytes.offset(), bytes.count())));
    } else if (b instanceof StaticResponse.FileRegion f) {
      resp.sendFile(f.file().toString(), f.offset(), f.count());
    } else {
      resp.end();
    }
  }

  private boolean isNodeHost(String host) {
    if (host.isEmpty() || host.equals("localhost") || host.startsWith("[")) {
      return true;
    }
    if (host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
      return true;
    }
    String fqdn = node.config().fqdn().toLowerCase(Locale.ROOT);
    if (host.equals(fqdn) || host.endsWith(".tau." + fqdn)) {
      return true;
    }
    return node.config().gateway().nodeHosts().map(l -> l.contains(host)).orElse(false);
  }

  /**
   * Records the request when it ends: the {@code jtau.http.requests} timer (labels project, route,
   * status class; bounded by the number of projects, never by paths) and, when on, the access log.
   */
  private void observe(RoutingContext ctx, long t0, String host, String project, String route) {
    boolean log = node.config().gateway().accessLog();
    HttpServerRequest req = ctx.request();
    ctx.addEndHandler(
        v -> {
          var resp = ctx.response();
          long nanos = System.nanoTime() - t0;
          timer(project, route, resp.getStatusCode()).record(nanos, TimeUnit.NANOSECONDS);
          if (!log) {
            return;
          }
          StringBuilder b = new StringBuilder(192);
          b.append("{\"host\":");
          json(b, host);
          b.append(",\"method\":");
          json(b, req.method().name());
          b.append(",\"path\":");
          json(b, req.path());
          b.append(",\"proto\":");
          json(b, String.valueOf(req.version()));
          b.append(",\"status\":").append(resp.getStatusCode());
          b.append(",\"bytes\":").append(resp.bytesWritten());
          b.append(",\"micros\":").append(nanos / 1000);
          b.append(",\"project\":");
          json(b, project);
          b.append(",\"remote\":");
          json(b, req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress());
          b.append('}');
          ACCESS.info(b);
        });
  }

  /** The request timer of (project, route, status class), registered once. */
  private Timer timer(String project, String route, int status) {
    String statusClass = status >= 100 && status < 600 ? (status / 100) + "xx" : "other";
    return timers.computeIfAbsent(
        project + '\n' + route + '\n' + statusClass,
        k ->
            Timer.builder("jtau.http.requests")
                .description("HTTP requests through the node's router, by project and route")
                .tag("project", project)
                .tag("route", route)
                .tag("status", statusClass)
                .register(meters));
  }

  private static void json(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }

  private HttpResponse invoke(FunctionTarget t, HttpRequest request) throws Exception {
    var module = node.module(t.module());
    Invocation inv =
        new Invocation(
            t.projectId(),
            t.application() == null ? "" : t.application(),
            t.resourceId(),
            t.commit(),
            t.key().branch(),
            t.call(),
            t.memoryBytes(),
            t.timeoutNanos(),
            node.guestServices(t.key()));
    return node.wasm().invokeHttp(module, inv, request);
  }

  private static Map<String, List<String>> headers(HttpServerRequest req) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : req.headers()) {
      out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
    return out;
  }

  private void plain(RoutingContext ctx, int status, String text) {
    ErrorAnswers.plain(ctx, node, status, text);
  }

  /**
   * Percent-decodes a request path as UTF-8 ({@code +} stays a plus). Rejects malformed escapes, an
   * encoded NUL and invalid UTF-8.
   */
  static String decodePath(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "/";
    }
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new IllegalArgumentException("truncated escape");
        }
        int v = Integer.parseInt(raw.substring(i + 1, i + 3).toLowerCase(Locale.ROOT), 16);
        if (v == 0) {
          throw new IllegalArgumentException("encoded NUL");
        }
        out.write(v);
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("path is not UTF-8");
    }
  }
}
