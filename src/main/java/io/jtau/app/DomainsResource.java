package io.jtau.app;

import io.jtau.runtime.dns.DomainClaims;
import io.jtau.runtime.gateway.AcmeCertificates;
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
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * Custom domains over HTTP: claim a name for a project (returns the token and the TXT names to put
 * it at), verify it now, list and release claims. A verified name starts serving at once. Paths are
 * under the project, so the access policy's {@code /api/projects/P/domains} row (deploy scope)
 * guards them.
 */
@Path("/api/projects/{project}/domains")
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
  public List<ClaimView> list(@PathParam("project") String project) {
    requireProject(project);
    List<ClaimView> out = new ArrayList<>();
    for (DomainClaims.Claim c : node.claims().list(project)) {
      out.add(view(c));
    }
    return out;
  }

  @POST
  @Path("/{fqdn}/claim")
  public ClaimView claim(@PathParam("fqdn") String fqdn, @PathParam("project") String project) {
    requireProject(project);
    try {
      return view(node.claims().claim(project, fqdn));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  @POST
  @Path("/{fqdn}/verify")
  public VerifyView verify(@PathParam("fqdn") String fqdn, @PathParam("project") String project) {
    requireProject(project);
    try {
      DomainClaims.Verification v = node.claims().verify(project, fqdn, node.projectId(project));
      node.gateway().refresh();
      node.acmeWake();
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
      @PathParam("fqdn") String fqdn, @PathParam("project") String project) {
    requireProject(project);
    try {
      node.claims().release(project, fqdn);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
    node.gateway().refresh();
    return list(project);
  }

  /** The ACME certificate state of a name, and the CA's last word on it. */
  public record CertView(
      String fqdn,
      boolean acme,
      String state,
      String issuer,
      String notBefore,
      String notAfter,
      String lastError,
      String lastAttempt,
      String nextAttempt,
      int failures,
      String challenge,
      List<String> events) {}

  @GET
  @Path("/{fqdn}/cert")
  public CertView cert(@PathParam("fqdn") String fqdn, @PathParam("project") String project) {
    requireProject(project);
    String n = normalized(fqdn);
    java.util.Optional<AcmeCertificates> acme = node.acme();
    if (acme.isEmpty()) {
      return new CertView(
          n, false, "acme-off", null, null, null, null, null, null, 0, null, List.of());
    }
    return view(acme.get(), n);
  }

  /**
   * Asks for a certificate now; 409 when the name is not verified for this project. {@code
   * challenge}: order with this challenge type only; {@code renew}: even while the current
   * certificate is valid.
   */
  @POST
  @Path("/{fqdn}/cert")
  public CertView requestCert(
      @PathParam("fqdn") String fqdn,
      @PathParam("project") String project,
      @jakarta.ws.rs.QueryParam("challenge") String challenge,
      @jakarta.ws.rs.QueryParam("renew") boolean renew) {
    requireProject(project);
    AcmeCertificates acme = acmeFor(node, challenge);
    String n = normalized(fqdn);
    if (!node.claims().isVerified(project, n)) {
      String why =
          n
              + " is not a verified domain of project "
              + project
              + " (tau domain claim, then tau domain verify): no certificate is ordered";
      acme.refused(n, why);
      throw conflict(why);
    }
    try {
      acme.request(n, java.util.Optional.ofNullable(challenge), renew);
    } catch (IllegalArgumentException e) {
      throw conflict(e.getMessage());
    }
    node.acmeWake();
    return view(acme, n);
  }

  static WebApplicationException badRequest(String message) {
    return new WebApplicationException(
        jakarta.ws.rs.core.Response.status(400)
            .type(MediaType.TEXT_PLAIN)
            .entity(message + "\n")
            .build());
  }

  /**
   * The node's ACME manager for an order with {@code challenge} (null = the node's preference): 400
   * for an unknown type, 409 when ACME is off or the type cannot be answered here.
   */
  static AcmeCertificates acmeFor(Node node, String challenge) {
    if (challenge != null) {
      try {
        AcmeCertificates.checkChallenge(challenge);
      } catch (IllegalArgumentException e) {
        throw badRequest("challenge: " + e.getMessage());
      }
    }
    if ("dns-01".equals(challenge) && node.dnsPort() < 0) {
      throw conflict(
          "the node's DNS is off (jtau.dns.port=-1): a dns-01 challenge cannot be answered");
    }
    if ("tls-alpn-01".equals(challenge) && node.config().tls().port() < 0) {
      throw conflict(
          "HTTPS is off on this node (jtau.tls.port=-1): a tls-alpn-01 challenge cannot be"
              + " answered");
    }
    return node.acme()
        .orElseThrow(() -> conflict("ACME is off on this node (jtau.acme.enabled=false)"));
  }

  static WebApplicationException conflict(String message) {
    return new WebApplicationException(
        jakarta.ws.rs.core.Response.status(409)
            .type(MediaType.TEXT_PLAIN)
            .entity(message + "\n")
            .build());
  }

  static String normalized(String fqdn) {
    try {
      return AcmeCertificates.normalize(fqdn);
    } catch (IllegalArgumentException e) {
      throw badRequest("fqdn: " + e.getMessage());
    }
  }

  static CertView view(AcmeCertificates acme, String n) {
    AcmeCertificates.CertStatus s = acme.status(n);
    List<String> events = new ArrayList<>();
    for (AcmeCertificates.Event e : acme.events()) {
      if (e.name().equals(n)) {
        events.add(e.at() + " " + e.kind() + ": " + e.message());
      }
    }
    return new CertView(
        n,
        true,
        s.state(),
        s.issuer(),
        str(s.notBefore()),
        str(s.notAfter()),
        s.lastError(),
        str(s.lastAttempt()),
        str(s.nextAttempt()),
        s.failures(),
        s.challenge(),
        events);
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private ClaimView view(DomainClaims.Claim c) {
    return new ClaimView(
        c.project(), c.fqdn(), c.token(), c.txtNames(node.projectId(c.project())), c.verified());
  }

  private void requireProject(String project) {
    if (!GitRepositories.validName(project) || node.git().find(project, "config").isEmpty()) {
      throw new NotFoundException("no project " + project);
    }
  }
}
