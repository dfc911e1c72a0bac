package io.jtau.app;

import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.reconcile.StateApplier;
import io.jtau.runtime.gateway.Gateway;
import io.jtau.runtime.gateway.Pem;
import io.jtau.runtime.gateway.SniKeyManager;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Installs a snapshot's inline certificates ({@code certificate.type: inline} domains) for SNI.
 * {@link #prepare} parses every certificate and key, so a broken PEM stalls the key with the
 * domain's name before anything changes; {@link #apply} replaces the key's certificates in one
 * step, keeping only names the project may serve (a generated domain of its own, or a verified
 * claim), so a project can never present a certificate for a name it does not own. Idempotent,
 * thread-safe.
 */
final class TlsApplier implements StateApplier {

  private final SniKeyManager sni;
  private final Gateway.HostAuthority authority;

  TlsApplier(SniKeyManager sni, Gateway.HostAuthority authority) {
    this.sni = sni;
    this.authority = authority;
  }

  @Override
  public String name() {
    return "certificates";
  }

  @Override
  public int wave() {
    return WAVE_DNS;
  }

  @Override
  public void prepare(ProjectKey key, Snapshot snapshot) throws Exception {
    List<String> failures = new ArrayList<>();
    certificates(key, snapshot, failures, false);
    if (!failures.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", failures));
    }
  }

  @Override
  public void apply(ProjectKey key, Snapshot snapshot) {
    sni.put(key.toString(), certificates(key, snapshot, new ArrayList<>(), true));
  }

  private Map<String, SniKeyManager.KeyAndChain> certificates(
      ProjectKey key, Snapshot snapshot, List<String> failures, boolean ownedOnly) {
    Map<String, SniKeyManager.KeyAndChain> out = new HashMap<>();
    for (Resource.Domain d : snapshot.config().all(Resource.Domain.class)) {
      if (!"inline".equals(d.certType())) {
        continue;
      }
      String fqdn = d.fqdn().toLowerCase(Locale.ROOT);
      try {
        SniKeyManager.KeyAndChain kc = Pem.read(d.certFile(), d.keyFile());
        if (!ownedOnly || authority.allows(fqdn, key, snapshot.config().id())) {
          out.put(fqdn, kc);
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        failures.add("domain " + d.name() + " (" + fqdn + "): certificate: " + e.getMessage());
      }
    }
    return out;
  }
}
