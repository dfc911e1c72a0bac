package io.jtau.app;

import io.jtau.access.Principal;
import io.jtau.access.Scope;
import io.jtau.model.Condition;
import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.model.ResourceStatus;
import io.jtau.model.Snapshot;
import io.jtau.source.GitRepositories;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Project status over HTTP: list, one project per branch, events, history, manual reconcile. */
@Path("/api/projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectsResource {

  @Inject Node node;
  @Inject HttpPort port;
  @Inject TokensResource tokens;

  /** A project branch as the API shows it. */
  public record BranchStatus(
      String project,
      String branch,
      String revision,
      String configCommit,
      String codeCommit,
      List<Condition> conditions,
      List<String> urls,
      List<ResourceStatus> resources) {}

  /**
   * Every project branch the caller may read: all for the operator, only its own project for a
   * project token (the access filter lets any valid token reach this list).
   */
  @GET
  public List<BranchStatus> list(@Context RoutingContext ctx) {
    Principal who = AccessFilter.principal(ctx);
    List<BranchStatus> out = new ArrayList<>();
    for (String project : projects()) {
      if (who == null || !who.may(Scope.READ, project)) {
        continue;
      }
      for (String b : branches(project)) {
        out.add(status(new ProjectKey(project, b), false));
      }
    }
    return out;
  }

  @GET
  @Path("/{project}")
  public List<BranchStatus> project(@PathParam("project") String project) {
    requireProject(project);
    List<BranchStatus> out = new ArrayList<>();
    for (String b : branches(project)) {
      out.add(status(new ProjectKey(project, b), true));
    }
    return out;
  }

  @GET
  @Path("/{project}/events")
  public List<StatusStore.Event> events(
      @PathParam("project") String project, @QueryParam("branch") String branch) {
    requireProject(project);
    return node.status().events(new ProjectKey(project, branchOrDefault(branch)));
  }

  @GET
  @Path("/{project}/history")
  public List<HistoryEntry> history(
      @PathParam("project") String project,
      @QueryParam("branch") String branch,
      @QueryParam("limit") Integer limit) {
    requireProject(project);
    return node.registry()
        .history(new ProjectKey(project, branchOrDefault(branch)), limit == null ? 100 : limit);
  }

  @POST
  @Path("/{project}/reconcile")
  public Map<String, Object> reconcile(
      @PathParam("project") String project, @Context RoutingContext ctx) {
    requireProject(project);
    Principal who = AccessFilter.principal(ctx);
    node.audit()
        .append(who == null ? "unknown" : who.actor(), "reconcile.request", project, "manual");
    node.enqueueAllBranches(project);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", project);
    m.put("enqueued", node.config().branches());
    return m;
  }

  /** The project's tokens (never their values); needs admin on the project. */
  @GET
  @Path("/{project}/tokens")
  public List<io.jtau.access.TokenInfo> tokens(@PathParam("project") String project) {
    return tokens.listOfProject(project);
  }

  /** Creates a token of the project; the token is in this answer only. */
  @POST
  @Path("/{project}/tokens")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response createToken(
      @PathParam("project") String project,
      TokensResource.CreateToken body,
      @Context RoutingContext ctx) {
    return tokens.createForProject(project, body, ctx);
  }

  /** Revokes a token of the project (a token of another project is not found here). */
  @DELETE
  @Path("/{project}/tokens/{id}")
  public Response revokeToken(
      @PathParam("project") String project,
      @PathParam("id") String id,
      @Context RoutingContext ctx) {
    return tokens.revokeOfProject(project, id, ctx);
  }

  /** The project's access settings. */
  @GET
  @Path("/{project}/access")
  public Map<String, Object> access(@PathParam("project") String project) {
    return tokens.access(project);
  }

  /** Changes the project's access settings ({@code {"anonymousRead": true}}). */
  @PUT
  @Path("/{project}/access")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response setAccess(
      @PathParam("project") String project,
      TokensResource.AccessSettings body,
      @Context RoutingContext ctx) {
    return tokens.setAccess(project, body, ctx);
  }

  private String branchOrDefault(String branch) {
    return branch == null || branch.isBlank() ? node.config().branches().get(0) : branch;
  }

  private void requireProject(String project) {
    if (!GitRepositories.validName(project)
        || (node.git().find(project, "config").isEmpty() && !node.projects().exists(project))) {
      throw new NotFoundException("no project " + project);
    }
  }

  private List<String> projects() {
    TreeSet<String> names = new TreeSet<>();
    for (String[] r : node.git().list()) {
      if (r[1].equals("config")) {
        names.add(r[0]);
      }
    }
    // Projects registered from remote repositories (tau project add) are projects too.
    names.addAll(node.projects().names());
    return List.copyOf(names);
  }

  /**
   * The node's branches that mean something for the project: those its config repository has or
   * that have a current snapshot; the first served branch when none does (a new project).
   */
  private List<String> branches(String project) {
    List<String> out = new ArrayList<>();
    var repo = node.git().find(project, "config");
    for (String b : node.config().branches()) {
      ProjectKey key = new ProjectKey(project, b);
      if (repo.map(r -> r.head(b).isPresent()).orElse(false)
          || node.registry().current(key).isPresent()) {
        out.add(b);
      }
    }
    if (out.isEmpty()) {
      out.add(node.config().branches().get(0));
    }
    return out;
  }

  BranchStatus status(ProjectKey key, boolean withResources) {
    var snap = node.registry().current(key);
    return new BranchStatus(
        key.project(),
        key.branch(),
        snap.map(Snapshot::revision).orElse(null),
        snap.map(Snapshot::configCommit).orElse(null),
        snap.map(Snapshot::codeCommit).orElse(null),
        node.status().conditions(key),
        node.urls(key, port.get()),
        withResources ? node.status().resources(key) : null);
  }
}
