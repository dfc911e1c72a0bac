package io.jtau.app;

import io.jtau.access.AuditEntry;
import io.jtau.access.Principal;
import io.jtau.access.Scope;
import io.jtau.access.TokenInfo;
import io.jtau.access.TokenStore;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Token management, project access settings and the audit log. The project-scoped endpoints ({@code
 * /api/projects/{p}/tokens/**}, {@code /api/projects/{p}/access}) are declared on {@link
 * ProjectsResource} (one resource class per path prefix) and delegate here. Which caller reaches
 * which method is decided by the access filter's path table: {@code /api/tokens/**} and {@code
 * /api/audit} need the operator; {@code /api/projects/{p}/tokens/**} and {@code
 * /api/projects/{p}/access} need {@code admin} on {@code p} (or the operator). A created token is
 * in the creation answer only.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.inject.Singleton
public class TokensResource {

  @Inject Node node;

  /** Body of a token creation. */
  public record CreateToken(String project, List<String> scopes, String name) {}

  /** Body of an access-settings change. */
  public record AccessSettings(Boolean anonymousRead) {}

  @GET
  @Path("/tokens")
  public List<TokenInfo> list(@QueryParam("project") String project) {
    return node.tokens().list(project == null || project.isBlank() ? null : project);
  }

  @POST
  @Path("/tokens")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(CreateToken body, @Context RoutingContext ctx) {
    if (body == null) {
      return bad("a JSON body {project, scopes, name} is required");
    }
    return create(body.project(), body, ctx);
  }

  @DELETE
  @Path("/tokens/{id}")
  public Response revoke(@PathParam("id") String id, @Context RoutingContext ctx) {
    return node.tokens()
        .find(id)
        .map(t -> revoke(t, ctx))
        .orElseGet(() -> notFound("no token " + safe(id)));
  }

  List<TokenInfo> listOfProject(String project) {
    return node.tokens().list(project);
  }

  Response createForProject(String project, CreateToken body, RoutingContext ctx) {
    if (body == null) {
      return bad("a JSON body {scopes, name} is required");
    }
    if (body.project() != null && !body.project().equals(project)) {
      return bad("project: the body names " + safe(body.project()) + ", the path " + project);
    }
    return create(project, body, ctx);
  }

  Response revokeOfProject(String project, String id, RoutingContext ctx) {
    // A token of another project is "not found" here, so admins learn nothing about it.
    return node.tokens()
        .find(id)
        .filter(t -> t.project().equals(project))
        .map(t -> revoke(t, ctx))
        .orElseGet(() -> notFound("no token " + safe(id) + " in project " + project));
  }

  Map<String, Object> access(String project) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", project);
    m.put("anonymousRead", node.tokens().anonymousRead(project));
    return m;
  }

  Response setAccess(String project, AccessSettings body, RoutingContext ctx) {
    if (body == null || body.anonymousRead() == null) {
      return bad("anonymousRead: required (true or false)");
    }
    node.tokens().setAnonymousRead(project, body.anonymousRead());
    node.audit()
        .append(actor(ctx), "access.change", project, "anonymous-read " + body.anonymousRead());
    return Response.ok(access(project)).build();
  }

  @GET
  @Path("/audit")
  public List<AuditEntry> audit(
      @QueryParam("project") String project, @QueryParam("limit") Integer limit) {
    return node.audit()
        .list(project == null || project.isBlank() ? null : project, limit == null ? 100 : limit);
  }

  private Response create(String project, CreateToken body, RoutingContext ctx) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    try {
      if (body.scopes() == null || body.scopes().isEmpty()) {
        return bad("scopes: at least one of read, push, deploy, data, admin");
      }
      for (String s : body.scopes()) {
        scopes.add(Scope.parse(s));
      }
      TokenStore.Created c = node.tokens().create(project, scopes, body.name(), actor(ctx));
      node.audit()
          .append(
              actor(ctx),
              "token.create",
              project,
              c.info().id() + " scopes " + scopes.stream().map(Scope::label).sorted().toList());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("token", c.token());
      m.put("info", c.info());
      m.put("note", "the token is shown only now; store it safely");
      return Response.status(201).entity(m).build();
    } catch (IllegalArgumentException e) {
      return bad(e.getMessage());
    }
  }

  private Response revoke(TokenInfo t, RoutingContext ctx) {
    node.tokens().revoke(t.id());
    node.audit().append(actor(ctx), "token.revoke", t.project(), t.id());
    return Response.ok(Map.of("revoked", t.id())).build();
  }

  private static String actor(RoutingContext ctx) {
    Principal p = ctx == null ? null : AccessFilter.principal(ctx);
    return p == null ? "unknown" : p.actor();
  }

  private String safe(String s) {
    String r = node.redactor().redact(s == null ? "" : s);
    return r.length() > 80 ? r.substring(0, 80) + "..." : r;
  }

  private static Response bad(String message) {
    return Response.status(400).entity(Map.of("status", 400, "error", message)).build();
  }

  private static Response notFound(String message) {
    return Response.status(404).entity(Map.of("status", 404, "error", message)).build();
  }
}
