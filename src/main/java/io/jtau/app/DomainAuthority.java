package io.jtau.app;

import io.jtau.model.ProjectKey;
import io.jtau.runtime.gateway.Gateway;
import java.util.Locale;
import java.util.function.BiPredicate;

/**
 * Who may serve a host. A generated domain ({@code <one label>.g.<fqdn>}) is served only by the
 * project whose id's last 8 characters, lower-cased, appear in that label (tau's rule; an id
 * shorter than 8 characters never qualifies, fixing tau's D18 crash). Any other host is served only
 * by a project holding a verified claim on it ({@code tau domain claim} then {@code verify}). Names
 * under the cloud's own FQDN that are not generated domains are never given to a project. Pure and
 * thread-safe when the claim predicate is.
 */
final class DomainAuthority implements Gateway.HostAuthority {

  private final String fqdn;
  private final String generatedSuffix;
  private final BiPredicate<String, String> verified;

  /**
   * @param verified (project name, host) → whether the project holds a verified claim on the host
   */
  DomainAuthority(String fqdn, String generatedSuffix, BiPredicate<String, String> verified) {
    this.fqdn = fqdn.toLowerCase(Locale.ROOT);
    this.generatedSuffix = generatedSuffix.toLowerCase(Locale.ROOT);
    this.verified = verified;
  }

  @Override
  public boolean allows(String host, ProjectKey key, String projectId) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith("." + generatedSuffix)) {
      return isGeneratedFor(h, projectId);
    }
    if (h.equals(fqdn) || h.endsWith("." + fqdn)) {
      return false;
    }
    return verified.test(key.project(), h);
  }

  /** Whether the host is a generated domain of the project (one label holding the id's tail). */
  boolean isGeneratedFor(String host, String projectId) {
    if (!host.endsWith("." + generatedSuffix) || projectId == null || projectId.length() < 8) {
      return false;
    }
    String label = host.substring(0, host.length() - generatedSuffix.length() - 1);
    if (label.isEmpty() || label.indexOf('.') >= 0) {
      return false;
    }
    return label.contains(projectId.substring(projectId.length() - 8).toLowerCase(Locale.ROOT));
  }

  /** Whether the host is a generated domain at all (any project). */
  boolean isGenerated(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (!h.endsWith("." + generatedSuffix)) {
      return false;
    }
    String label = h.substring(0, h.length() - generatedSuffix.length() - 1);
    return !label.isEmpty() && label.indexOf('.') < 0;
  }
}
