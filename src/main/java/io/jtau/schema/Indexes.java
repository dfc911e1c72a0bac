package io.jtau.schema;

import io.jtau.model.Application;
import io.jtau.model.ProjectConfig;
import io.jtau.model.Resource;
import io.jtau.model.ResourceKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the registry index map of config-format.md 11 (semantics in registry.md 3) from a compiled
 * model: keys are {@code /}-joined paths, list buckets are de-duplicated and filled in tau's fixed
 * group order, project scope before applications. Pure and thread-safe.
 */
final class Indexes {

  private Indexes() {}

  private static final List<ResourceKind> ORDER =
      List.of(
          ResourceKind.FUNCTION,
          ResourceKind.WEBSITE,
          ResourceKind.LIBRARY,
          ResourceKind.STORAGE,
          ResourceKind.DATABASE,
          ResourceKind.MESSAGING,
          ResourceKind.SMARTOP,
          ResourceKind.DOMAIN);

  static Map<String, Object> build(ProjectConfig c, String branch) {
    Map<String, Object> out = new LinkedHashMap<>();
    String pid = c.id();
    List<String> scopes = new ArrayList<>();
    scopes.add(null);
    for (Application a : c.applications()) {
      scopes.add(a.id());
    }
    // Grouped once: the loops below must stay linear for 100k resources.
    Map<String, List<Resource>> byScopeKind = new LinkedHashMap<>();
    Map<String, Resource.Domain> domains = new java.util.HashMap<>();
    for (Resource r : c.resources()) {
      byScopeKind.computeIfAbsent(r.application() + "\0" + r.kind(), x -> new ArrayList<>()).add(r);
      if (r instanceof Resource.Domain d) {
        domains.putIfAbsent(d.application() + "\0" + d.id(), d);
      }
    }
    for (ResourceKind k : ORDER) {
      for (String app : scopes) {
        for (Resource r : byScopeKind.getOrDefault(app + "\0" + k, List.of())) {
          String iv =
              "branches/"
                  + branch
                  + "/projects/"
                  + pid
                  + (app == null ? "" : "/applications/" + app)
                  + "/"
                  + k.folder()
                  + "/"
                  + r.id();
          String wasm =
              "wasm/project/" + pid + (app == null ? "" : "/application/" + app) + "/modules/";
          String projects = "projects/" + pid + (app == null ? "" : "/applications/" + app) + "/";
          switch (k) {
            case FUNCTION -> {
              Resource.Function f = (Resource.Function) r;
              add(out, wasm + "functions/" + r.name() + "/links", iv);
              for (String d : nonNull(f.domains())) {
                Resource.Domain dom = domain(domains, app, d);
                if (dom != null) {
                  add(out, "http/functions/" + rev(dom.fqdn()) + "/links", iv);
                }
              }
            }
            case WEBSITE -> {
              Resource.Website w = (Resource.Website) r;
              for (String d : nonNull(w.domains())) {
                Resource.Domain dom = domain(domains, app, d);
                if (dom != null) {
                  add(out, "http/websites/" + rev(dom.fqdn()) + "/links", iv);
                }
              }
              String repo = "repositories/github/" + w.repositoryId() + "/" + pid;
              out.put(repo + "/type", 4L);
              out.put(repo + "/resources/" + r.id(), iv);
            }
            case LIBRARY -> {
              Resource.Library l = (Resource.Library) r;
              add(out, wasm + "libraries/" + r.name() + "/links", iv);
              String repo = "repositories/github/" + l.repositoryId() + "/" + pid;
              out.put(repo + "/type", 3L);
              out.put(repo + "/resources/" + r.id(), iv);
              out.put("libraries/" + r.id(), r.name());
            }
            case STORAGE, DATABASE -> add(out, projects + r.name() + "/links", iv);
            case MESSAGING ->
                add(out, "p2p/pubsub/" + Cids.hash(pid + (app == null ? "" : app)), iv);
            case SMARTOP -> add(out, wasm + "smartops/" + r.name() + "/links", iv);
            case DOMAIN -> {
              String key = "domains/" + rev(((Resource.Domain) r).fqdn()) + "/links";
              if (!out.containsKey(key)) {
                out.put(key, null);
              }
            }
            default -> throw new AssertionError(k);
          }
        }
      }
    }
    for (Map.Entry<String, Object> e : out.entrySet()) {
      if (e.getValue() instanceof java.util.Set<?> set) {
        e.setValue(List.copyOf(set));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static List<String> nonNull(List<String> l) {
    return l == null ? List.of() : l;
  }

  /** The application's domain with this id, else the project's (the scope chain). */
  private static Resource.Domain domain(Map<String, Resource.Domain> all, String app, String id) {
    Resource.Domain d = app == null ? null : all.get(app + "\0" + id);
    return d != null ? d : all.get(null + "\0" + id);
  }

  /** Appends to a de-duplicated bucket (an insertion-ordered set until the end). */
  @SuppressWarnings("unchecked")
  private static void add(Map<String, Object> out, String key, String iv) {
    ((java.util.Set<String>) out.computeIfAbsent(key, k -> new java.util.LinkedHashSet<String>()))
        .add(iv);
  }

  /**
   * Labels reversed and {@code /}-joined; empty labels (a trailing dot) vanish as in the key store.
   */
  static String rev(String fqdn) {
    String[] labels = fqdn.split("\\.");
    StringBuilder b = new StringBuilder();
    for (int i = labels.length - 1; i >= 0; i--) {
      if (labels[i].isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(labels[i]);
    }
    return b.toString();
  }
}
