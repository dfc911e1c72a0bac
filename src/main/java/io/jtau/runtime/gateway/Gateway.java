package io.jtau.runtime.gateway;

import io.jtau.model.Cid;
import io.jtau.model.ProjectKey;
import io.jtau.model.Route;
import io.jtau.model.WebsiteRoute;
import io.jtau.port.RuntimeDriver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routing table of the HTTP gateway: functions (exact method and path) and websites (tau's path
 * scoring, registry.md 5) per host.
 *
 * <p>Routes are replaced per (project, branch) in one step and an immutable lookup table is rebuilt
 * on every change, so a request sees either the old or the new routes of a project, never a mix,
 * and never reads the registry. A route only exists for the hosts of its resource's own domains
 * (fixes tau's D8), and only when the {@link HostAuthority} allows that project to serve the host:
 * an unverified custom domain or a generated domain of another project is never served. A host
 * belongs to one (project, branch): the first key that routes it keeps it; later claims by other
 * keys are refused and reported by {@link #conflicts}. Lookups are lock-free; changes are
 * serialised.
 */
public final class Gateway implements RuntimeDriver<Route> {

  /** Decides whether a project may serve a host (domain ownership). Must be cheap and pure. */
  public interface HostAuthority {
    /**
     * @param projectId the project's id from its config ({@code id:} of {@code config.yaml})
     */
    boolean allows(String host, ProjectKey key, String projectId);

    /** Allows everything (unit tests of routing alone). */
    static HostAuthority any() {
      return (host, key, projectId) -> true;
    }
  }

  /** Whether a website bundle holds a regular file at a relative path (the file bonus). */
  public interface BundleFiles {
    boolean isFile(Cid bundle, String relativePath);

    /** No bundle holds any file (no bonus ever applies). */
    static BundleFiles none() {
      return (bundle, path) -> false;
    }
  }

  /** The outcome of a lookup. */
  public sealed interface Match
      permits Found, WebsiteFound, MethodNotAllowed, NotFound, UnknownHost {}

  /** A function route matched exactly. */
  public record Found(Route route) implements Match {}

  /** A website matched; {@code matchedPath} is p*, the configured path that won. */
  public record WebsiteFound(WebsiteRoute route, String matchedPath, int score) implements Match {}

  /** The host and path exist for functions, but not for this method. */
  public record MethodNotAllowed(Set<String> allowed) implements Match {}

  /** The host is served but nothing matches the path. */
  public record NotFound() implements Match {}

  /** The host is not routed by this gateway. */
  public record UnknownHost() implements Match {}

  private record Desired(Set<Route> functions, List<WebsiteRoute> websites) {}

  private record HostTable(
      ProjectKey owner, List<WebsiteRoute> websites, Map<String, Map<String, Route>> functions) {}

  private final HostAuthority authority;
  private final BundleFiles files;
  private final Runnable onChange;
  private final Map<ProjectKey, Desired> desired = new LinkedHashMap<>();
  private final Map<String, ProjectKey> hostOwners = new HashMap<>();
  private volatile Map<ProjectKey, List<String>> conflicts = Map.of();
  private volatile Map<ProjectKey, Set<Route>> appliedFunctions = Map.of();
  private volatile Map<String, HostTable> table = Map.of();

  /** A gateway that serves every host it is given (no ownership checks, no file bonus). */
  public Gateway() {
    this(HostAuthority.any(), BundleFiles.none());
  }

  public Gateway(HostAuthority authority, BundleFiles files) {
    this(authority, files, () -> {});
  }

  /**
   * @param onChange called (under the gateway's lock) after every rebuild of the table, e.g. to
   *     rebuild DNS zones from {@link #hosts()}
   */
  public Gateway(HostAuthority authority, BundleFiles files, Runnable onChange) {
    this.authority = authority;
    this.files = files;
    this.onChange = onChange;
  }

  /** The function routes last applied for the key (what the reconciler asked for). */
  @Override
  public Set<Route> observe(ProjectKey key) {
    return appliedFunctions.getOrDefault(key, Set.of());
  }

  /** Replaces the function routes of a key. Idempotent. */
  @Override
  public synchronized void apply(ProjectKey key, Set<Route> routes) {
    Desired d = desired.getOrDefault(key, new Desired(Set.of(), List.of()));
    put(key, new Desired(Set.copyOf(routes), d.websites()));
  }

  /** Replaces the website routes of a key in one step. Idempotent. */
  public synchronized void applyWebsites(ProjectKey key, List<WebsiteRoute> websites) {
    Desired d = desired.getOrDefault(key, new Desired(Set.of(), List.of()));
    put(key, new Desired(d.functions(), List.copyOf(websites)));
  }

  /** The website routes last applied for the key. */
  public synchronized List<WebsiteRoute> websites(ProjectKey key) {
    Desired d = desired.get(key);
    return d == null ? List.of() : d.websites();
  }

  private void put(ProjectKey key, Desired d) {
    if (d.functions().isEmpty() && d.websites().isEmpty()) {
      desired.remove(key);
    } else {
      desired.put(key, d);
    }
    rebuild();
  }

  /** Re-evaluates host ownership (call after a domain is verified or released). */
  public synchronized void refresh() {
    rebuild();
  }

  /** Removes all routes of a key. */
  public synchronized void remove(ProjectKey key) {
    desired.remove(key);
    rebuild();
  }

  /** Hosts this key asked for but cannot serve, with the reason. */
  public List<String> conflicts(ProjectKey key) {
    return conflicts.getOrDefault(key, List.of());
  }

  private void rebuild() {
    Map<ProjectKey, Set<String>> wanted = new LinkedHashMap<>();
    Map<ProjectKey, List<String>> problems = new HashMap<>();
    for (Map.Entry<ProjectKey, Desired> e : desired.entrySet()) {
      ProjectKey key = e.getKey();
      Set<String> hosts = new LinkedHashSet<>();
      Map<String, String> ids = new HashMap<>();
      e.getValue().functions().forEach(r -> ids.putIfAbsent(r.host(), r.function().projectId()));
      e.getValue().websites().forEach(w -> ids.putIfAbsent(w.host(), w.website().projectId()));
      for (Map.Entry<String, String> h : new java.util.TreeMap<>(ids).entrySet()) {
        if (authority.allows(h.getKey(), key, h.getValue())) {
          hosts.add(h.getKey());
        } else {
          problems
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(h.getKey() + " is not verified for project " + key.project());
        }
      }
      wanted.put(key, hosts);
    }
    // Owners that still want and may serve their host keep it; the rest go in apply order.
    Map<String, ProjectKey> owners = new HashMap<>();
    hostOwners.forEach(
        (host, key) -> {
          if (wanted.getOrDefault(key, Set.of()).contains(host)) {
            owners.put(host, key);
          }
        });
    wanted.forEach(
        (key, hosts) -> {
          for (String host : hosts) {
            ProjectKey owner = owners.putIfAbsent(host, key);
            if (owner != null && !owner.equals(key)) {
              problems
                  .computeIfAbsent(key, k -> new ArrayList<>())
                  .add(host + " is already served by project " + owner.project());
            }
          }
        });
    hostOwners.clear();
    hostOwners.putAll(owners);
    Map<String, HostTable> next = new HashMap<>();
    Map<ProjectKey, Set<Route>> applied = new HashMap<>();
    for (Map.Entry<ProjectKey, Desired> e : desired.entrySet()) {
      ProjectKey key = e.getKey();
      applied.put(key, e.getValue().functions());
      for (WebsiteRoute w : e.getValue().websites()) {
        if (key.equals(owners.get(w.host()))) {
          host(next, w.host(), key).websites().add(w);
        }
      }
      for (Route r : sorted(e.getValue().functions())) {
        if (key.equals(owners.get(r.host()))) {
          host(next, r.host(), key)
              .functions()
              .computeIfAbsent(r.path(), p -> new HashMap<>())
              .put(r.method(), r);
        }
      }
    }
    Map<ProjectKey, List<String>> frozen = new HashMap<>();
    problems.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    conflicts = Map.copyOf(frozen);
    appliedFunctions = Map.copyOf(applied);
    table = Map.copyOf(next);
    onChange.run();
  }

  private static List<Route> sorted(Set<Route> routes) {
    List<Route> out = new ArrayList<>(routes);
    out.sort(
        java.util.Comparator.comparing(Route::host)
            .thenComparing(Route::path)
            .thenComparing(Route::method));
    return out;
  }

  private static HostTable host(Map<String, HostTable> next, String host, ProjectKey key) {
    return next.computeIfAbsent(host, h -> new HostTable(key, new ArrayList<>(), new HashMap<>()));
  }

  /** Whether any project serves this host (any case, port allowed). */
  public boolean serves(String host) {
    return table.containsKey(normalizeHost(host));
  }

  /** The (project, branch) serving a host, if any. */
  public java.util.Optional<ProjectKey> owner(String host) {
    HostTable t = table.get(normalizeHost(host));
    return t == null ? java.util.Optional.empty() : java.util.Optional.of(t.owner());
  }

  /**
   * Finds what serves a request (registry.md 4.3 step 3 and 5): websites are scored first, in
   * declaration order, then functions; the first score of 256 wins at once (so on equal 256 the
   * website wins); otherwise the first website holding the highest score above 0 wins. The path is
   * the decoded URL path without the query.
   */
  public Match match(String host, String method, String path) {
    HostTable t = table.get(normalizeHost(host));
    if (t == null) {
      return new UnknownHost();
    }
    WebsiteFound best = null;
    for (WebsiteRoute w : t.websites()) {
      Cid bundle = w.website().bundle();
      WebsiteScore.Scored s =
          WebsiteScore.scoreWithFiles(w.paths(), method, path, f -> files.isFile(bundle, f));
      if (s.score() == WebsiteScore.HIGH) {
        return new WebsiteFound(w, s.matchedPath(), s.score());
      }
      if (s.score() > 0 && (best == null || s.score() > best.score())) {
        best = new WebsiteFound(w, s.matchedPath(), s.score());
      }
    }
    Map<String, Route> methods = t.functions().get(path);
    if (methods != null) {
      Route r = methods.get(method);
      if (r != null) {
        return new Found(r);
      }
    }
    if (best != null) {
      return best;
    }
    if (methods != null) {
      return new MethodNotAllowed(new TreeSet<>(methods.keySet()));
    }
    return new NotFound();
  }

  /** Every function route served, for status pages. */
  public List<Route> routes() {
    List<Route> all = new ArrayList<>();
    for (HostTable t : table.values()) {
      t.functions().values().forEach(m -> all.addAll(m.values()));
    }
    return all;
  }

  /** Every host served, sorted. */
  public Set<String> hosts() {
    return new TreeSet<>(table.keySet());
  }

  /** Lower-cases the host and removes a port and a trailing dot (handles bracketed IPv6). */
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
}
