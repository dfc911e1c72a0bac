package io.jtau.app;

import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
import io.jtau.model.ResourceStatus;
import io.jtau.port.StatusSink;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conditions, per-resource statuses and recent events per key, in memory, for the status API.
 * Conditions are merged by type; a condition keeps its transition time while its status does not
 * change. Keeps the last 200 events per key. Thread-safe.
 */
public final class StatusStore implements StatusSink {

  /** One event. */
  public record Event(long atMillis, String type, String reason, String message) {}

  private static final int MAX_EVENTS = 200;
  private final Clock clock;
  private final Map<ProjectKey, Map<String, Condition>> conditions = new ConcurrentHashMap<>();
  private final Map<ProjectKey, Deque<Event>> events = new ConcurrentHashMap<>();
  private final Map<ProjectKey, List<ResourceStatus>> resources = new ConcurrentHashMap<>();

  public StatusStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void conditions(ProjectKey key, List<Condition> list) {
    Map<String, Condition> byType =
        conditions.computeIfAbsent(
            key, k -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()));
    synchronized (byType) {
      for (Condition c : list) {
        Condition old = byType.get(c.type());
        // A condition's transition time only moves when its status flips.
        if (old != null && old.status() == c.status()) {
          c =
              new Condition(
                  c.type(),
                  c.status(),
                  c.reason(),
                  c.message(),
                  c.observedRevision(),
                  old.lastTransitionMillis());
        }
        byType.put(c.type(), c);
      }
    }
  }

  @Override
  public void resources(ProjectKey key, List<ResourceStatus> list) {
    resources.put(key, List.copyOf(list));
  }

  /** The per-resource statuses of a key, as last reported. */
  public List<ResourceStatus> resources(ProjectKey key) {
    return resources.getOrDefault(key, List.of());
  }

  @Override
  public void event(ProjectKey key, String type, String reason, String message) {
    Deque<Event> q = events.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (q) {
      q.addLast(new Event(clock.millis(), type, reason, message));
      while (q.size() > MAX_EVENTS) {
        q.removeFirst();
      }
    }
  }

  public List<Condition> conditions(ProjectKey key) {
    Map<String, Condition> m = conditions.get(key);
    if (m == null) {
      return List.of();
    }
    synchronized (m) {
      return List.copyOf(m.values());
    }
  }

  public List<Event> events(ProjectKey key) {
    Deque<Event> q = events.get(key);
    if (q == null) {
      return List.of();
    }
    synchronized (q) {
      return new ArrayList<>(q);
    }
  }

  public java.util.Set<ProjectKey> keys() {
    java.util.Set<ProjectKey> all =
        new java.util.TreeSet<>(
            java.util.Comparator.comparing(ProjectKey::project).thenComparing(ProjectKey::branch));
    all.addAll(conditions.keySet());
    all.addAll(events.keySet());
    return all;
  }
}
