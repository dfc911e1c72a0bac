package io.jtau.app;

import io.jtau.source.WebhookVerifier.Provider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The webhook receivers {@code POST /api/hooks/{github|gitea|gitlab|generic}/{hookId}}: an unknown
 * hook gets 404 before the body is read; the body is counted while it streams in and a delivery
 * over {@code jtau.sources.max-hook-bytes} gets 413 with the connection closed (never buffered);
 * then the registry verifies the signature before parsing and enqueues a fetch. Answers within
 * microseconds of the last byte: nothing is fetched on this path.
 */
@ApplicationScoped
public class HookRoutes {

  @Inject Node node;
  @Inject SourcesConfig config;

  void install(@Observes Router router) {
    router
        .post("/api/hooks/:provider/:hookId")
        .order(Integer.MIN_VALUE + 200)
        .handler(this::handle);
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Provider provider = Provider.fromPath(ctx.pathParam("provider"));
    String hookId = ctx.pathParam("hookId");
    ProjectRegistry projects = node.projects();
    if (provider == null || projects == null || !projects.knowsHook(provider, hookId)) {
      close(ctx, 404, "no such hook\n");
      return;
    }
    int max = config.maxHookBytes();
    String length = req.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > max) {
          close(ctx, 413, "webhook body over " + max + " bytes\n");
          return;
        }
      } catch (NumberFormatException e) {
        close(ctx, 400, "bad Content-Length\n");
        return;
      }
    }
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(
        chunk -> {
          if (over[0]) {
            return;
          }
          if (body.length() + chunk.length() > max) {
            over[0] = true;
            close(ctx, 413, "webhook body over " + max + " bytes\n");
            return;
          }
          body.appendBuffer(chunk);
        });
    req.exceptionHandler(e -> over[0] = true);
    req.endHandler(
        v -> {
          if (over[0]) {
            return;
          }
          ProjectRegistry.HookAnswer a =
              projects.receive(provider, hookId, req::getHeader, body.getBytes());
          if (a.status() >= 400) {
            ErrorAnswers.plain(ctx, node, a.status(), a.text());
            return;
          }
          ctx.response()
              .setStatusCode(a.status())
              .putHeader("Content-Type", "text/plain; charset=utf-8")
              .end(a.text());
        });
    req.resume();
  }

  /** Answers and closes the connection, so a sender still streaming cannot push more bytes. */
  private void close(RoutingContext ctx, int status, String text) {
    var resp = ctx.response();
    if (resp.ended()) {
      return;
    }
    resp.setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Connection", "close")
        .end(ErrorAnswers.redactor(node).redact(text))
        .onComplete(ar -> ctx.request().connection().close());
  }
}
