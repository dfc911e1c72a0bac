package io.jtau.reconcile;

import io.jtau.model.ProjectConfig;
import io.jtau.model.Resource;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The difference between two compiled configs, as plan lines a person reads: {@code + function
 * ping}, {@code ~ website shop (paths)}, {@code - database old}. Pure; the order depends only on
 * the configs' content (kind, then scope, then name), never on file order.
 */
public final class ConfigDiff {

  private ConfigDiff() {}

  /** One planned change. */
  public record Change(char op, String kind, String application, String name, List<String> fields) {
    @Override
    public String toString() {
      String scope = application == null ? "" : " (application " + application + ")";
      String f = fields.isEmpty() ? "" : " (" + String.join(", ", fields) + ")";
      return op + " " + kind + " " + name + scope + f;
    }
  }

  /** Changes that turn {@code before} (null = nothing deployed) into {@code after}. */
  public static List<Change> between(ProjectConfig before, ProjectConfig after) {
    Map<String, Resource> old = index(before);
    Map<String, Resource> neu = index(after);
    List<Change> out = new ArrayList<>();
    for (Map.Entry<String, Resource> e : neu.entrySet()) {
      Resource r = e.getValue();
      Resource o = old.get(e.getKey());
      if (o == null) {
        out.add(new Change('+', r.kind().word(), r.application(), r.name(), List.of()));
      } else if (!o.equals(r)) {
        out.add(new Change('~', r.kind().word(), r.application(), r.name(), changedFields(o, r)));
      }
    }
    for (Map.Entry<String, Resource> e : old.entrySet()) {
      if (!neu.containsKey(e.getKey())) {
        Resource r = e.getValue();
        out.add(new Change('-', r.kind().word(), r.application(), r.name(), List.of()));
      }
    }
    out.sort(
        java.util.Comparator.comparing(Change::kind)
            .thenComparing(c -> c.application() == null ? "" : c.application())
            .thenComparing(Change::name)
            .thenComparing(c -> c.op()));
    return out;
  }

  private static Map<String, Resource> index(ProjectConfig c) {
    Map<String, Resource> m = new LinkedHashMap<>();
    if (c != null) {
      for (Resource r : c.resources()) {
        m.put(r.kind() + "/" + (r.application() == null ? "" : r.application()) + "/" + r.id(), r);
      }
    }
    return m;
  }

  private static List<String> changedFields(Resource a, Resource b) {
    List<String> fields = new ArrayList<>();
    for (RecordComponent rc : a.getClass().getRecordComponents()) {
      try {
        Object x = rc.getAccessor().invoke(a);
        Object y = rc.getAccessor().invoke(b);
        if (!Objects.equals(x, y)) {
          if (rc.getName().equals("identity")) {
            diffIdentity((io.jtau.model.Identity) x, (io.jtau.model.Identity) y, fields);
          } else {
            fields.add(rc.getName());
          }
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
    return fields;
  }

  private static void diffIdentity(
      io.jtau.model.Identity x, io.jtau.model.Identity y, List<String> fields) {
    if (!Objects.equals(x.name(), y.name())) {
      fields.add("name");
    }
    if (!Objects.equals(x.description(), y.description())) {
      fields.add("description");
    }
    if (!Objects.equals(x.tags(), y.tags())) {
      fields.add("tags");
    }
    if (!Objects.equals(x.smartops(), y.smartops())) {
      fields.add("smartops");
    }
  }
}
