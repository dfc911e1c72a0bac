package io.jtau.reconcile;

import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.reconcile.Inventory.Entry;
import io.jtau.reconcile.Inventory.Ref;
import io.jtau.reconcile.Inventory.Wave;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The create, update and delete actions that turn one inventory into another, in apply order:
 * creates and updates wave by wave (DNS, stores, builds with libraries first, bindings, routes),
 * then deletes in the reverse wave order. Pure and deterministic: the same two inventories always
 * give the same plan, whatever the order of files in the config repository, and applying the plan
 * to {@code before} gives {@code after} (so the plan between the result and {@code after} is
 * empty). Immutable.
 */
public record Plan(List<Action> actions) {

  /** What an action does. */
  public enum Op {
    CREATE('+'),
    UPDATE('~'),
    DELETE('-');

    private final char symbol;

    Op(char symbol) {
      this.symbol = symbol;
    }

    public char symbol() {
      return symbol;
    }
  }

  /**
   * One action. {@code before} is null for a create, {@code after} for a delete; {@code fields}
   * names what an update changes.
   */
  public record Action(Op op, Entry before, Entry after, List<String> fields) {
    public Action {
      Objects.requireNonNull(op, "op");
      fields = List.copyOf(fields);
      if ((op == Op.CREATE) != (before == null) || (op == Op.DELETE) != (after == null)) {
        throw new IllegalArgumentException(op + " with before=" + before + " after=" + after);
      }
    }

    public Ref ref() {
      return after != null ? after.ref() : before.ref();
    }

    public Wave wave() {
      return after != null ? after.wave() : before.wave();
    }

    /** The entry this action is about (the new one, or the deleted one). */
    public Entry entry() {
      return after != null ? after : before;
    }

    /** The plan line a person reads: {@code ~ function ping (application shop) (paths)}. */
    @Override
    public String toString() {
      Entry e = entry();
      String app = e.ref().application();
      String scope =
          app.isEmpty()
              ? ""
              : " (application " + (e.applicationName() == null ? app : e.applicationName()) + ")";
      String f = fields.isEmpty() ? "" : " (" + String.join(", ", fields) + ")";
      return op.symbol() + " " + e.ref().kind() + " " + e.name() + scope + f;
    }
  }

  public Plan {
    actions = List.copyOf(actions);
  }

  /** The plan between two compiled configs ({@code null} = nothing deployed). Pure. */
  public static Plan between(ProjectConfig before, ProjectConfig after) {
    return between(Inventory.of(before), Inventory.of(after));
  }

  /** The plan that turns {@code before} into {@code after}. Pure. */
  public static Plan between(Inventory before, Inventory after) {
    List<Action> applies = new ArrayList<>();
    List<Action> deletes = new ArrayList<>();
    for (Map.Entry<Ref, Entry> e : after.entries().entrySet()) {
      Entry old = before.entries().get(e.getKey());
      Entry neu = e.getValue();
      if (old == null) {
        applies.add(new Action(Op.CREATE, null, neu, List.of()));
      } else if (!old.equals(neu)) {
        applies.add(new Action(Op.UPDATE, old, neu, changedFields(old, neu)));
      }
    }
    for (Map.Entry<Ref, Entry> e : before.entries().entrySet()) {
      if (!after.entries().containsKey(e.getKey())) {
        deletes.add(new Action(Op.DELETE, e.getValue(), null, List.of()));
      }
    }
    Comparator<Action> byName =
        Comparator.comparing((Action a) -> a.entry().ref().application())
            .thenComparing(a -> a.entry().name())
            .thenComparing(Action::ref);
    applies.sort(
        Comparator.comparing(Action::wave)
            .thenComparingInt(a -> kindRank(a.ref().kind()))
            .thenComparing(byName));
    deletes.sort(
        Comparator.comparing(Action::wave)
            .thenComparingInt(a -> kindRank(a.ref().kind()))
            .reversed()
            .thenComparing(byName));
    List<Action> all = new ArrayList<>(applies);
    all.addAll(deletes);
    return new Plan(all);
  }

  /** Within a wave: domains, stores and libraries before the things that use them. */
  private static int kindRank(String kind) {
    switch (kind) {
      case "library":
        return 0;
      case "smartop":
        return 1;
      case "function":
        return 2;
      case "website":
        return 3;
      default:
        return 1;
    }
  }

  public boolean isEmpty() {
    return actions.isEmpty();
  }

  /** The actions of one wave, in plan order. */
  public List<Action> inWave(Wave wave) {
    return actions.stream().filter(a -> a.wave() == wave).toList();
  }

  /** The delete actions, in plan (reverse wave) order. */
  public List<Action> deletes() {
    return actions.stream().filter(a -> a.op() == Op.DELETE).toList();
  }

  /** One line per action, as printed on {@code git push} and in events. */
  public List<String> lines() {
    return actions.stream().map(Action::toString).toList();
  }

  private static List<String> changedFields(Entry a, Entry b) {
    List<String> fields = new ArrayList<>();
    if (!Objects.equals(a.name(), b.name())) {
      fields.add("name");
    }
    if (!Objects.equals(a.applicationName(), b.applicationName())) {
      fields.add("application");
    }
    Object x = a.spec();
    Object y = b.spec();
    if (x.getClass() != y.getClass() || !x.getClass().isRecord()) {
      if (!x.equals(y)) {
        fields.add("spec");
      }
      return fields;
    }
    for (RecordComponent rc : x.getClass().getRecordComponents()) {
      try {
        Object u = rc.getAccessor().invoke(x);
        Object v = rc.getAccessor().invoke(y);
        if (Objects.equals(u, v)) {
          continue;
        }
        if (u instanceof Identity i && v instanceof Identity j) {
          if (!Objects.equals(i.description(), j.description())) {
            fields.add("description");
          }
          if (!Objects.equals(i.tags(), j.tags())) {
            fields.add("tags");
          }
          if (!Objects.equals(i.smartops(), j.smartops())) {
            fields.add("smartops");
          }
        } else {
          fields.add(rc.getName().equals("functionId") ? "function" : rc.getName());
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
    return fields;
  }
}
