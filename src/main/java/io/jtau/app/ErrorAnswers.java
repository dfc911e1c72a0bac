package io.jtau.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.access.Redactor;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The one place every HTTP error answer of the node goes through before it leaves, so no secret
 * (token, repository credential, webhook secret, database key) can reach a client in an error body:
 *
 * <ul>
 *   <li>REST (JAX-RS) answers with a status of 400 or more have their body passed through the
 *       node's {@link Redactor} ({@link #redactErrorBody}), whether a resource returned the {@link
 *       Response} itself or threw a {@link WebApplicationException};
 *   <li>an exception no resource handled becomes a 500 naming an error id only ({@link
 *       #unexpected}); the exception itself is logged (the log redaction cleans it);
 *   <li>Vert.x routes (gateway, webhooks, access filter, WebSocket bridge) answer errors with
 *       {@link #plain} or {@link #json}, and a failed route gets {@link #routeFailed};
 *   <li>the Git servlet writes errors with {@link #clean}.
 * </ul>
 *
 * <p>Bodies of successful answers are not touched (a created token is shown once on purpose).
 * Thread-safe and non-blocking.
 */
@ApplicationScoped
public class ErrorAnswers {

  private static final Logger LOG = Logger.getLogger(ErrorAnswers.class);

  /**
   * Route order of the failure handler: before every other route so it, not Quarkus' default error
   * page (which prints exception messages in dev and test mode), answers a failed route.
   */
  static final int FAILURE_ORDER = Integer.MIN_VALUE;

  @Inject Node node;
  @Inject ObjectMapper json;

  void install(@Observes Router router) {
    router.route().order(FAILURE_ORDER).failureHandler(this::routeFailed);
  }

  /** The text with every known secret removed (the node's redactor, or token shapes only). */
  String clean(String text) {
    return redactor(node).redact(text);
  }

  static Redactor redactor(Node node) {
    Redactor r = node == null ? null : node.redactor();
    // Before the node has built its redactor no secret is registered yet: token shapes only.
    return r == null ? new Redactor() : r;
  }

  /** Ends the response with a redacted plain-text error. */
  static void plain(RoutingContext ctx, Node node, int status, String text) {
    HttpServerResponse resp = ctx.response();
    if (resp.ended()) {
      return;
    }
    resp.setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(redactor(node).redact(text));
  }

  /** Ends the response with a redacted JSON error {@code {"status":..,"error":".."}}. */
  static void json(RoutingContext ctx, Node node, int status, String message) {
    HttpServerResponse resp = ctx.response();
    if (resp.ended()) {
      return;
    }
    resp.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(jsonBody(status, redactor(node).redact(message)));
  }

  static String jsonBody(int status, String message) {
    return "{\"status\":" + status + ",\"error\":\"" + jsonEscape(message) + "\"}\n";
  }

  void routeFailed(RoutingContext ctx) {
    int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
    Throwable t = ctx.failure();
    if (status >= 500) {
      String id = UUID.randomUUID().toString();
      LOG.errorf(t, "request %s %s failed (error id %s)", ctx.request().method(), path(ctx), id);
      json(ctx, node, status, "internal error (error id " + id + ")");
    } else {
      json(ctx, node, status, t == null ? "request refused" : String.valueOf(t.getMessage()));
    }
  }

  private static String path(RoutingContext ctx) {
    String p = ctx.normalizedPath();
    return p == null ? "?" : p;
  }

  /**
   * Answers an exception no resource turned into a response: a {@link WebApplicationException}
   * keeps its response (redacted by {@link #redactErrorBody}); anything else is logged with an
   * error id and answered 500 with that id only, never the exception's message.
   */
  @ServerExceptionMapper
  public Response unexpected(Throwable t) {
    if (t instanceof WebApplicationException w) {
      return w.getResponse();
    }
    String id = UUID.randomUUID().toString();
    LOG.errorf(t, "request failed (error id %s)", id);
    return Response.status(500)
        .type(MediaType.APPLICATION_JSON)
        .header("Cache-Control", "no-store")
        .entity(jsonBody(500, "internal error (error id " + id + ")"))
        .build();
  }

  /** Redacts the body of every REST answer with status 400 or more. */
  @ServerResponseFilter
  public void redactErrorBody(ContainerResponseContext res) {
    if (res.getStatus() < 400 || !res.hasEntity()) {
      return;
    }
    Object entity = res.getEntity();
    if (entity instanceof String s) {
      res.setEntity(clean(s));
      return;
    }
    if (entity instanceof byte[] || entity instanceof InputStream) {
      // Error bodies are never raw bytes in this node; leave streams alone rather than buffer.
      return;
    }
    try {
      String text = json.writeValueAsString(entity);
      String redacted = clean(text);
      if (!redacted.equals(text)) {
        res.setEntity(redacted, res.getEntityAnnotations(), MediaType.APPLICATION_JSON_TYPE);
      }
    } catch (JsonProcessingException e) {
      res.setEntity(
          jsonBody(res.getStatus(), "error answer could not be written"),
          res.getEntityAnnotations(),
          MediaType.APPLICATION_JSON_TYPE);
    }
  }

  static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
