package io.jtau.app;

import io.jtau.access.PathPolicy;
import io.jtau.access.Principal;
import io.jtau.access.Scope;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;

/**
 * Guards every request that the gateway did not take (the node's API, the dream API, metrics):
 * refuses credentials in the query string (400), blocks addresses that failed authentication too
 * often (429), authenticates the {@code Authorization: Bearer} token and checks it against the
 * {@link PathPolicy} table, which denies by default. The Git server at {@code /git} is a public row
 * here because {@link GitHttpServlet} authenticates its own requests (HTTP basic).
 *
 * <p>The caller's {@link Principal} is put in the routing context under {@link #PRINCIPAL} for
 * handlers that filter what they show ({@link #principal}). Data reads and writes (databases,
 * storages, channels) are written to the audit log from here. Runs on the event loop and never
 * blocks: tokens are checked against an in-memory copy, audit entries are appended by another
 * thread.
 */
@ApplicationScoped
public class AccessFilter {

  /** Routing-context key of the caller's {@link Principal}. */
  public static final String PRINCIPAL = "jtau.principal";

  /** Route order: after {@link GatewayRoutes} (public hosts), before REST, servlets and metrics. */
  static final int ORDER = Integer.MIN_VALUE + 150;

  @Inject Node node;
  @Inject Instance<ProjectOfBuild> buildLookup;
  @Inject AuditWriter auditWriter;

  private final PathPolicy policy = PathPolicy.defaults();

  void install(@Observes Router router) {
    router.route().order(ORDER).handler(this::handle);
  }

  /** The principal the filter established for this request (null on public paths). */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!node.started()) {
      error(ctx, 503, "the node is starting");
      return;
    }
    String path = ctx.normalizedPath();
    String query = req.query();
    if ((path.startsWith("/api/") || path.equals("/api") || path.startsWith("/git/"))
        && PathPolicy.credentialInQuery(query)) {
      error(
          ctx, 400, "credentials are accepted only in the Authorization header, never in the URL");
      return;
    }
    PathPolicy.Requirement need = policy.requirement(req.method().name(), path);
    if (need instanceof PathPolicy.Requirement.Public) {
      ctx.next();
      return;
    }
    String address = clientAddress(req);
    Duration blocked = node.authFailures().blockedFor(address);
    if (!blocked.isZero()) {
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, blocked.toSeconds())));
      error(ctx, 429, "too many authentication failures from this address; retry later");
      return;
    }
    Principal who;
    String header = req.getHeader("Authorization");
    if (header == null || header.isBlank()) {
      who = null;
    } else {
      Optional<String> token = bearer(header);
      Optional<Principal> p = token.flatMap(t -> node.tokens().authenticate(t));
      if (p.isEmpty()) {
        node.authFailures().failure(address);
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"jtau\"");
        error(ctx, 401, "the token is not valid (unknown, revoked or malformed)");
        return;
      }
      who = p.get();
    }
    PathPolicy.Decision d = PathPolicy.decide(who, need, this::lookup);
    if (!d.allowed()) {
      if (d.status() == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"jtau\"");
      }
      error(ctx, d.status(), d.message());
      return;
    }
    ctx.put(PRINCIPAL, who);
    if (need instanceof PathPolicy.Requirement.OnProject op && op.scope() == Scope.DATA) {
      boolean read = req.method().name().equals("GET") || req.method().name().equals("HEAD");
      auditWriter.later(
          who.actor(),
          read ? "data.read" : "data.write",
          op.project(),
          req.method().name() + " " + path);
    }
    ctx.next();
  }

  private Optional<String> lookup(PathPolicy.Requirement.OnLookup l) {
    if (!l.lookup().equals("build") || !buildLookup.isResolvable()) {
      return Optional.empty();
    }
    return buildLookup.get().projectOf(l.key());
  }

  static Optional<String> bearer(String header) {
    String h = header.strip();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(h.substring(7).strip());
    }
    if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
      return GitHttpServlet.basicPassword(h.substring(6).strip());
    }
    return Optional.empty();
  }

  static String clientAddress(HttpServerRequest req) {
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }

  void error(RoutingContext ctx, int status, String message) {
    ErrorAnswers.json(ctx, node, status, message);
  }
}
