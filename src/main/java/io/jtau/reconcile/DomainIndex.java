package io.jtau.reconcile;

import io.jtau.model.ProjectConfig;
import io.jtau.model.Resource;
import java.util.HashMap;
import java.util.Map;

/**
 * Domains of a config by (scope, id), resolved like {@link ProjectConfig#domain}: the application's
 * own domain first, then the project's. Built once per config so that resolving every function's
 * domains stays linear. Immutable after construction; thread-safe.
 */
final class DomainIndex {

  private final Map<String, Resource.Domain> byScopeAndId = new HashMap<>();

  DomainIndex(ProjectConfig config) {
    for (Resource.Domain d : config.all(Resource.Domain.class)) {
      byScopeAndId.putIfAbsent(d.application() + "\0" + d.id(), d);
    }
  }

  /** The domain with this id seen from {@code application} ({@code null} = project), or null. */
  Resource.Domain find(String application, String id) {
    Resource.Domain d = application == null ? null : byScopeAndId.get(application + "\0" + id);
    return d != null ? d : byScopeAndId.get(null + "\0" + id);
  }
}
