package io.jtau.app;

import io.jtau.model.ProjectKey;
import io.jtau.model.Snapshot;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Shared lookups of the operator data APIs: the project branch served and its application. */
final class DataApi {

  private DataApi() {}

  /** The key for a project and optional branch; 404 when the node serves nothing there. */
  static ProjectKey key(Node node, String project, String branch) {
    List<String> branches = node.config().branches();
    String b = branch == null || branch.isBlank() ? branches.get(0) : branch;
    ProjectKey key;
    try {
      key = new ProjectKey(project, b);
    } catch (IllegalArgumentException e) {
      throw error(400, e.getMessage());
    }
    if (node.data().view(key).isEmpty()) {
      throw error(404, "project " + project + " serves nothing on branch " + b);
    }
    return key;
  }

  /** The application id for a name or id given by the caller; empty string for project scope. */
  static String application(Node node, ProjectKey key, String application) {
    if (application == null || application.isBlank()) {
      return "";
    }
    Snapshot s = node.data().view(key).orElseThrow();
    for (var a : s.config().applications()) {
      if (a.name().equals(application) || a.id().equals(application)) {
        return a.id();
      }
    }
    throw error(404, "project " + key.project() + " has no application " + application);
  }

  static WebApplicationException error(int status, String message) {
    return new WebApplicationException(
        message, Response.status(status).type(MediaType.TEXT_PLAIN).entity(message + "\n").build());
  }
}
