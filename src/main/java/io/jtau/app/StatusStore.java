package io.jtau.app;

import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
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
 * Conditions and recent events per key, in memory, for the status API. Keeps the last 200 events
 * per key. Thread-safe.
 */
public final class StatusStore implements StatusSink {

  /** One event. */
  public record Event(long atMillis, String type, String reason, String message) {}

  private static final int MAX_EVENTS = 200;
  private final Clock clock;
  private final Map<ProjectKey, Map<String, Condition>> conditions = new ConcurrentHashMap<>();
  private final Map<ProjectKey, Deque<Event>> events = new ConcurrentHashMap<>();

  public StatusStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void conditions(ProjectKey key, List<Condition> list) {
    Map<String, Condition> byType =
        conditions.computeIfAbsent(
            key, k -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()));
    for (Condition c : list) {
      byType.put(c.type(), c);
    }
    if (list.stream().anyMatch(c -> c.type().equals("Ready"))) {
      byType.remove("Reconciling");
    }
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
