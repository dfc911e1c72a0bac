package io.jtau.app;

import io.jtau.model.FunctionTarget;
import io.jtau.runtime.gateway.Gateway;
import io.jtau.runtime.wasm.HttpRequest;
import io.jtau.runtime.wasm.HttpResponse;
import io.jtau.runtime.wasm.Invocation;
import io.micrometer.core.instrument.MeterRegistry;
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

/**
 * The public HTTP entry of the gateway, in front of every other route: a request whose host is
 * routed by a project goes to its function; a host under the generated-domain suffix that no
 * project routes gets 404 (never a default project); any other host falls through to the node's own
 * API, Git server and health endpoints.
 */
@ApplicationScoped
public class GatewayRoutes {

  static final int MAX_BODY = 10 * 1024 * 1024;

  @Inject Node node;
  @Inject MeterRegistry meters;

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE + 100).handler(this::handle);
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String rawHost = req.authority() != null ? req.authority().toString() : req.getHeader("Host");
    String host = Gateway.normalizeHost(rawHost);
    if (!node.gateway().serves(host)) {
      if (host.endsWith("." + node.generatedSuffix())) {
        plain(ctx, 404, "no project serves " + host + "\n");
        return;
      }
      ctx.next();
      return;
    }
    String path;
    try {
      path = decodePath(req.path());
    } catch (IllegalArgumentException e) {
      plain(ctx, 400, "bad request path: " + e.getMessage() + "\n");
      return;
    }
    Gateway.Match m = node.gateway().match(host, req.method().name(), path);
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
    String lengthHeader = req.getHeader("Content-Length");
    if (lengthHeader != null) {
      try {
        if (Long.parseLong(lengthHeader.trim()) > MAX_BODY) {
          plain(ctx, 413, "request body over " + MAX_BODY + " bytes\n");
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
          if (body.size() + chunk.length() > MAX_BODY) {
            tooLarge[0] = true;
          } else if (!tooLarge[0]) {
            body.writeBytes(chunk.getBytes());
          }
        });
    req.endHandler(
        v -> {
          if (tooLarge[0]) {
            plain(ctx, 413, "request body over " + MAX_BODY + " bytes\n");
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

  private static void plain(RoutingContext ctx, int status, String text) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(text);
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
