package io.jtau.app;

import io.jtau.runtime.gateway.AcmeCertificates;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;

/**
 * Operator API of the node's ACME certificates, across projects and the node's own names: {@code
 * GET /api/acme/certs} lists every name kept or wanted, {@code POST /api/acme/certs/{fqdn}} asks
 * for one now ({@code ?challenge=}, {@code ?renew=true}) — the only way to ask for a node name
 * ({@code jtau.acme.node-names}) or the node's wildcard ({@code *.g.<fqdn>}, {@code
 * jtau.acme.wildcard-generated}), which belong to no project. Operator token only. Never blocks on
 * the CA: orders run on the ACME thread.
 */
@Path("/api/acme/certs")
@Produces(MediaType.APPLICATION_JSON)
public class AcmeResource {

  @Inject Node node;

  @GET
  public List<DomainsResource.CertView> list() {
    Optional<AcmeCertificates> acme = node.acme();
    if (acme.isEmpty()) {
      return List.of();
    }
    return acme.get().statuses().stream()
        .map(s -> DomainsResource.view(acme.get(), s.name()))
        .toList();
  }

  @POST
  @Path("/{fqdn}")
  public DomainsResource.CertView request(
      @PathParam("fqdn") String fqdn,
      @QueryParam("challenge") String challenge,
      @QueryParam("renew") boolean renew) {
    AcmeCertificates acme = DomainsResource.acmeFor(node, challenge);
    // The node's own wildcard (jtau.acme.wildcard-generated) may be asked for here, by the
    // operator; every other wildcard is 400 like any name that is not a plain DNS name.
    String n =
        acme.ownWildcard(fqdn)
            ? fqdn.trim().toLowerCase(java.util.Locale.ROOT)
            : DomainsResource.normalized(fqdn);
    try {
      acme.request(n, Optional.ofNullable(challenge), renew);
    } catch (IllegalArgumentException e) {
      throw DomainsResource.conflict(e.getMessage());
    }
    node.acmeWake();
    return DomainsResource.view(acme, n);
  }
}
