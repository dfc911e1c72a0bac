package io.jtau.reconcile;

import io.jtau.model.Application;
import io.jtau.model.ProjectConfig;
import io.jtau.model.Resource;
import io.jtau.model.ResourceKind;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one (project, branch) owns: every resource of its current snapshot plus the HTTP routes they
 * imply, each under a stable {@link Ref} (kind, scope, id — never a file name or a position). A key
 * owns exactly what its current snapshot lists, so prune only ever removes entries of the previous
 * inventory. Immutable; equal configs give equal inventories whatever their file order.
 */
public record Inventory(SortedMap<Ref, Entry> entries) {

  /** The kind word of route entries. */
  public static final String ROUTE = "route";

  /** The empty inventory (nothing deployed). */
  public static final Inventory EMPTY = new Inventory(new TreeMap<>());

  public Inventory {
    entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
  }

  /**
   * Identity of an owned object. {@code application} is the application id or {@code ""} at project
   * scope.
   */
  public record Ref(String kind, String application, String id) implements Comparable<Ref> {
    public Ref {
      Objects.requireNonNull(kind, "kind");
      application = application == null ? "" : application;
      Objects.requireNonNull(id, "id");
    }

    @Override
    public int compareTo(Ref o) {
      // Kind, then scope, then id; written out because plans sort thousands of refs per run.
      int c = kind.compareTo(o.kind);
      if (c != 0) {
        return c;
      }
      c = application.compareTo(o.application);
      return c != 0 ? c : id.compareTo(o.id);
    }
  }

  /**
   * One owned object: the wave it is applied in, the names people read, and its desired spec (a
   * {@link Resource} or a {@link RouteSpec}); two entries with equal specs need no update.
   */
  public record Entry(Ref ref, Wave wave, String name, String applicationName, Object spec) {
    public Entry {
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(wave, "wave");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(spec, "spec");
    }
  }

  /** An HTTP route implied by a function: host (lower case), method, path, function id. */
  public record RouteSpec(String host, String method, String path, String functionId) {}

  /**
   * The apply waves, in order: domains and DNS, then stores (databases, storages, messaging), then
   * builds (libraries before functions and websites), then bindings, then gateway routes last, so
   * traffic only moves to ready targets. Deletes run in the reverse order.
   */
  public enum Wave {
    DNS,
    STORES,
    BUILDS,
    BINDINGS,
    ROUTES;

    /** The {@link StateApplier} wave number of this wave. */
    public int number() {
      return (ordinal() + 1) * 10;
    }
  }

  /** The inventory a compiled config asks for; {@code null} gives the empty inventory. Pure. */
  public static Inventory of(ProjectConfig config) {
    if (config == null) {
      return EMPTY;
    }
    Map<String, String> appNames = new HashMap<>();
    for (Application a : config.applications()) {
      appNames.put(a.id(), a.name());
    }
    SortedMap<Ref, Entry> out = new TreeMap<>();
    DomainIndex domains = new DomainIndex(config);
    for (Resource r : config.resources()) {
      String app = r.application();
      Ref ref = new Ref(r.kind().word(), app, r.id());
      out.put(ref, new Entry(ref, waveOf(r.kind()), r.name(), appNames.get(app), r));
      if (r instanceof Resource.Function f
          && f.isHttp()
          && f.domains() != null
          && f.paths() != null
          && f.method() != null) {
        for (String domainId : f.domains()) {
          Resource.Domain d = domains.find(app, domainId);
          if (d == null) {
            continue;
          }
          String host = d.fqdn().toLowerCase(java.util.Locale.ROOT);
          String method = f.method().toUpperCase(java.util.Locale.ROOT);
          for (String path : f.paths()) {
            String id = method + " " + host + path;
            Ref rr = new Ref(ROUTE, app, id);
            Entry taken = out.get(rr);
            // Two functions claiming one route: the lower function id keeps it, whatever the
            // order of their files, so the plan stays a function of the config alone.
            if (taken != null && ((RouteSpec) taken.spec()).functionId().compareTo(f.id()) <= 0) {
              continue;
            }
            out.put(
                rr,
                new Entry(
                    rr,
                    Wave.ROUTES,
                    id + " -> " + f.name(),
                    appNames.get(app),
                    new RouteSpec(host, method, path, f.id())));
          }
        }
      }
    }
    return new Inventory(out);
  }

  /** The wave a resource kind is applied in. */
  public static Wave waveOf(ResourceKind kind) {
    switch (kind) {
      case DOMAIN:
        return Wave.DNS;
      case DATABASE:
      case STORAGE:
      case MESSAGING:
        return Wave.STORES;
      case LIBRARY:
      case FUNCTION:
      case WEBSITE:
      case SMARTOP:
        return Wave.BUILDS;
      case SERVICE:
        return Wave.BINDINGS;
      default:
        throw new AssertionError(kind);
    }
  }

  /** The inventory after applying {@code plan}: creates and updates put, deletes remove. Pure. */
  public Inventory apply(Plan plan) {
    SortedMap<Ref, Entry> out = new TreeMap<>(entries);
    for (Plan.Action a : plan.actions()) {
      if (a.op() == Plan.Op.DELETE) {
        out.remove(a.ref());
      } else {
        out.put(a.ref(), a.after());
      }
    }
    return new Inventory(out);
  }

  /** The entries of one kind word, in ref order. */
  public List<Entry> ofKind(String kind) {
    return entries.values().stream().filter(e -> e.ref().kind().equals(kind)).toList();
  }

  public int size() {
    return entries.size();
  }
}
