package io.jtau.app;

import io.jtau.model.Condition;
import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.model.ResourceStatus;
import io.jtau.model.Snapshot;
import io.jtau.source.GitRepositories;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
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

  @GET
  public List<BranchStatus> list() {
    List<BranchStatus> out = new ArrayList<>();
    for (String project : projects()) {
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
  public Map<String, Object> reconcile(@PathParam("project") String project) {
    requireProject(project);
    node.enqueueAllBranches(project);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", project);
    m.put("enqueued", node.config().branches());
    return m;
  }

  private String branchOrDefault(String branch) {
    return branch == null || branch.isBlank() ? node.config().branches().get(0) : branch;
  }

  private void requireProject(String project) {
    if (!GitRepositories.validName(project) || node.git().find(project, "config").isEmpty()) {
      throw new NotFoundException("no project " + project);
    }
  }

  private List<String> projects() {
    TreeSet<String> names = new TreeSet<>();
    for (String[] r : node.git().list()) {
      names.add(r[0]);
    }
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
    List<String> urls = new ArrayList<>();
    snap.ifPresent(s -> urls.addAll(urls(key, s)));
    return new BranchStatus(
        key.project(),
        key.branch(),
        snap.map(Snapshot::revision).orElse(null),
        snap.map(Snapshot::configCommit).orElse(null),
        snap.map(Snapshot::codeCommit).orElse(null),
        node.status().conditions(key),
        urls,
        withResources ? node.status().resources(key) : null);
  }

  List<String> urls(ProjectKey key, Snapshot s) {
    TreeSet<String> out = new TreeSet<>();
    for (var r : io.jtau.reconcile.ProjectReconciler.desiredRoutes(key, s)) {
      out.add("http://" + r.host() + ":" + port.get() + r.path());
    }
    return List.copyOf(out);
  }
}
