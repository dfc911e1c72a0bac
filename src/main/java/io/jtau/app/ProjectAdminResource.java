package io.jtau.app;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * Registration of projects whose repositories live on remote Git hosts: {@code POST
 * /api/project-admin/projects} (answers the webhook URLs and secrets, once), {@code GET} (list, no
 * secrets), {@code DELETE /api/project-admin/projects/{name}} (also deletes the webhooks and deploy
 * keys registration created on the Git host; what could not be deleted is listed in {@code
 * warnings}, the local removal completes regardless), {@code POST .../{name}/fetch}.
 */
@Path("/api/project-admin/projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectAdminResource {

  @Inject Node node;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response register(ProjectRegistry.Registration r) {
    try {
      return Response.status(201).entity(node.projects().register(r)).build();
    } catch (ProjectRegistry.RegistrationException e) {
      return error(e.status, e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
  }

  @GET
  public List<ProjectRegistry.View> list() {
    return node.projects().list();
  }

  @DELETE
  @Path("/{name}")
  public Response remove(@PathParam("name") String name) {
    ProjectRegistry.Removal removal = node.projects().remove(name);
    if (!removal.found()) {
      return error(404, "no registered project " + name);
    }
    return Response.ok(
            Map.of("removed", name, "host", removal.host(), "warnings", removal.warnings()))
        .build();
  }

  @POST
  @Path("/{name}/fetch")
  public Response fetch(@PathParam("name") String name) {
    if (!node.projects().refresh(name)) {
      return error(404, "no registered project " + name);
    }
    return Response.accepted(Map.of("project", name, "fetch", "queued")).build();
  }

  private static Response error(int status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(Map.of("error", message))
        .build();
  }
}
