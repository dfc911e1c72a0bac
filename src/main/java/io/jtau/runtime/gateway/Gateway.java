package io.jtau.runtime.gateway;

import io.jtau.model.ProjectKey;
import io.jtau.model.Route;
import io.jtau.port.RuntimeDriver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routing table of the HTTP gateway. Routes are replaced per (project, branch) in one step and
 * the merged lookup table is rebuilt on every change, so a request sees either the old or the new
 * routes of a project, never a mix, and never reads the registry. A host belongs to the first
 * project that routes it; later claims by other projects are refused and reported. Lookups are
 * lock-free; changes are serialised.
 */
public final class Gateway implements RuntimeDriver<Route> {

  /** The outcome of a lookup. */
  public sealed interface Match permits Found, MethodNotAllowed, NotFound, UnknownHost {}

  /** A route matched exactly. */
  public record Found(Route route) implements Match {}

  /** The host and path exist, but not for this method. */
  public record MethodNotAllowed(Set<String> allowed) implements Match {}

  /** The host is ours but nothing matches the path. */
  public record NotFound() implements Match {}

  /** The host is not routed by this gateway. */
  public record UnknownHost() implements Match {}

  private final Map<ProjectKey, Set<Route>> byKey = new ConcurrentHashMap<>();
  private final Map<String, ProjectKey> hostOwners = new HashMap<>();
  private final Map<ProjectKey, List<String>> conflicts = new ConcurrentHashMap<>();
  private volatile Map<String, Map<String, Map<String, Route>>> table = Map.of();

  @Override
  public Set<Route> observe(ProjectKey key) {
    return byKey.getOrDefault(key, Set.of());
  }

  @Override
  public synchronized void apply(ProjectKey key, Set<Route> desired) {
    List<String> refused = new ArrayList<>();
    Set<Route> accepted = new HashSet<>();
    hostOwners.values().removeIf(key::equals);
    for (Route r : desired) {
      ProjectKey owner = hostOwners.get(r.host());
      if (owner != null && !owner.equals(key)) {
        refused.add(r.host() + " is already served by project " + owner.project());
        continue;
      }
      hostOwners.put(r.host(), key);
      accepted.add(r);
    }
    if (accepted.isEmpty()) {
      byKey.remove(key);
    } else {
      byKey.put(key, Set.copyOf(accepted));
    }
    if (refused.isEmpty()) {
      conflicts.remove(key);
    } else {
      conflicts.put(key, List.copyOf(refused));
    }
    rebuild();
  }

  /** Hosts this key asked for but another project already serves. */
  public List<String> conflicts(ProjectKey key) {
    return conflicts.getOrDefault(key, List.of());
  }

  private void rebuild() {
    Map<String, Map<String, Map<String, Route>>> next = new HashMap<>();
    for (Set<Route> routes : byKey.values()) {
      for (Route r : routes) {
        next.computeIfAbsent(r.host(), h -> new HashMap<>())
            .computeIfAbsent(r.path(), p -> new HashMap<>())
            .put(r.method(), r);
      }
    }
    table = next;
  }

  /** Whether any project routes this host (lower case, port removed by the caller or here). */
  public boolean serves(String host) {
    return table.containsKey(normalizeHost(host));
  }

  /**
   * Finds the route for a request. Function matching is exact on method and path (query ignored),
   * as in tau.
   */
  public Match match(String host, String method, String path) {
    Map<String, Map<String, Route>> paths = table.get(normalizeHost(host));
    if (paths == null) {
      return new UnknownHost();
    }
    Map<String, Route> methods = paths.get(path);
    if (methods == null) {
      return new NotFound();
    }
    Route r = methods.get(method);
    if (r == null) {
      return new MethodNotAllowed(Set.copyOf(methods.keySet()));
    }
    return new Found(r);
  }

  /** Every route of every project, for status pages. */
  public List<Route> routes() {
    List<Route> all = new ArrayList<>();
    byKey.values().forEach(all::addAll);
    return all;
  }

  /** Lower-cases the host and removes a port (handles bracketed IPv6). */
  public static String normalizeHost(String host) {
    if (host == null) {
      return "";
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 ? h.substring(0, end + 1) : h;
    }
    int colon = h.indexOf(':');
    if (colon >= 0) {
      h = h.substring(0, colon);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /** Removes all routes of a key. */
  public void remove(ProjectKey key) {
    apply(key, Set.of());
  }

  Optional<ProjectKey> owner(String host) {
    synchronized (this) {
      return Optional.ofNullable(hostOwners.get(normalizeHost(host)));
    }
  }
}
