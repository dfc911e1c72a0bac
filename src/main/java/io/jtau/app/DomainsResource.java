package io.jtau.app;

import io.jtau.runtime.dns.DomainClaims;
import io.jtau.source.GitRepositories;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * Custom domains over HTTP: claim a name for a project (returns the token and the TXT names to put
 * it at), verify it now, list and release claims. A verified name starts serving at once.
 */
@Path("/api/domains")
@Produces(MediaType.APPLICATION_JSON)
public class DomainsResource {

  @Inject Node node;

  /** A claim as the API shows it. */
  public record ClaimView(
      String project, String fqdn, String token, List<String> txtNames, boolean verified) {}

  /** The outcome of a verification. */
  public record VerifyView(
      String project, String fqdn, boolean verified, String message, List<String> txtNames) {}

  @GET
  public List<ClaimView> list(@QueryParam("project") String project) {
    requireProject(project);
    List<ClaimView> out = new ArrayList<>();
    for (DomainClaims.Claim c : node.claims().list(project)) {
      out.add(view(c));
    }
    return out;
  }

  @POST
  @Path("/{fqdn}/claim")
  public ClaimView claim(@PathParam("fqdn") String fqdn, @QueryParam("project") String project) {
    requireProject(project);
    try {
      return view(node.claims().claim(project, fqdn));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  @POST
  @Path("/{fqdn}/verify")
  public VerifyView verify(@PathParam("fqdn") String fqdn, @QueryParam("project") String project) {
    requireProject(project);
    try {
      DomainClaims.Verification v = node.claims().verify(project, fqdn, node.projectId(project));
      node.gateway().refresh();
      List<String> names =
          v.claim() == null ? List.of() : v.claim().txtNames(node.projectId(project));
      return new VerifyView(
          project, DomainClaims.normalize(fqdn), v.verified(), v.message(), names);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  @DELETE
  @Path("/{fqdn}")
  public List<ClaimView> release(
      @PathParam("fqdn") String fqdn, @QueryParam("project") String project) {
    requireProject(project);
    try {
      node.claims().release(project, fqdn);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
    node.gateway().refresh();
    return list(project);
  }

  private ClaimView view(DomainClaims.Claim c) {
    return new ClaimView(
        c.project(), c.fqdn(), c.token(), c.txtNames(node.projectId(c.project())), c.verified());
  }

  private void requireProject(String project) {
    if (project == null || project.isBlank()) {
      throw new BadRequestException("the project query parameter is required");
    }
    if (!GitRepositories.validName(project) || node.git().find(project, "config").isEmpty()) {
      throw new NotFoundException("no project " + project);
    }
  }
}
