package io.jtau.dream;

import io.jtau.app.HttpPort;
import io.jtau.app.Node;
import io.jtau.model.ProjectKey;
import io.jtau.source.GitRepositories;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The local cloud's own API for tools and tests ({@code /api/dream}, only when the node runs as a
 * dream): status, projects, inject a sample, simulate a push to a repository, reset the samples.
 * Operator token only (see {@code PathPolicy}).
 */
@Path("/api/dream")
@Produces(MediaType.APPLICATION_JSON)
public class DreamResource {

  @Inject Node node;
  @Inject Dream dream;
  @Inject HttpPort port;

  private void requireDream() {
    if (!node.config().dream().enabled()) {
      throw new NotFoundException("this node is not a dream");
    }
  }

  @GET
  public Map<String, Object> status() {
    requireDream();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ready", dream.ready());
    m.put("httpPort", port.get());
    m.put("fqdn", node.config().fqdn());
    m.put("branches", node.config().branches());
    m.put("dataDir", node.dataDir().toString());
    m.put("projects", projects());
    m.put("samples", dream.availableSamples());
    m.put("sampleStates", dream.sampleStates());
    m.put("queueDepth", node.queue().depth());
    return m;
  }

  @GET
  @Path("/projects")
  public List<String> projects() {
    requireDream();
    TreeSet<String> names = new TreeSet<>();
    for (String[] r : node.git().list()) {
      names.add(r[0]);
    }
    return List.copyOf(names);
  }

  /** Seeds a sample project from {@code samples/<name>}. */
  @POST
  @Path("/samples/{name}")
  public Map<String, Object> inject(@PathParam("name") String name) throws IOException {
    requireDream();
    if (!dream.seed(name)) {
      throw new NotFoundException("no sample " + name + "; available: " + dream.availableSamples());
    }
    return Map.of("project", name, "seeded", true);
  }

  /**
   * Behaves like a push webhook for {@code project/repo}: the node re-reads the repository and
   * reconciles; nothing from the request is trusted.
   */
  @POST
  @Path("/repos/{project}/{repo}/push")
  public Map<String, Object> push(
      @PathParam("project") String project, @PathParam("repo") String repo) {
    requireDream();
    if (!GitRepositories.validName(project)
        || !GitRepositories.validName(repo)
        || node.git().find(project, repo).isEmpty()) {
      throw new NotFoundException("no repository " + project + "/" + repo);
    }
    for (String b : node.config().branches()) {
      node.queue().enqueue(new ProjectKey(project, b));
    }
    return Map.of("project", project, "repo", repo, "enqueued", node.config().branches());
  }

  /**
   * Puts the default samples back to their seeded state, data wiped, without a restart (see {@link
   * Dream#reset}); answers once the data is deleted, {@code GET /api/dream} says {@code ready}
   * again when done.
   */
  @POST
  @Path("/reset")
  public Map<String, Object> reset() throws IOException {
    requireDream();
    Dream.ResetResult r = dream.reset();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reset", r.reset());
    m.put("kept", r.kept());
    m.put("wiped", r.wiped());
    m.put("ready", dream.ready());
    return m;
  }
}
