package io.jtau.source;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The delivery ids seen recently, to drop a replayed or redelivered webhook: bounded (oldest
 * forgotten first) and each id forgotten after a time to live. Only ids of deliveries whose
 * signature held are recorded, so a forger cannot poison it. Thread-safe.
 */
public final class Deliveries {

  private final Clock clock;
  private final int capacity;
  private final long ttlMillis;
  private final LinkedHashMap<String, Long> seen;

  public Deliveries(Clock clock, int capacity, Duration ttl) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.clock = clock;
    this.capacity = capacity;
    this.ttlMillis = ttl.toMillis();
    this.seen =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > Deliveries.this.capacity;
          }
        };
  }

  /**
   * Records {@code id} and says whether it is new. An empty id (a host that sends none) is always
   * new.
   */
  public synchronized boolean firstSeen(String id) {
    if (id == null || id.isEmpty()) {
      return true;
    }
    long now = clock.millis();
    var it = seen.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (now - e.getValue() < ttlMillis) {
        break;
      }
      it.remove();
    }
    Long at = seen.get(id);
    if (at != null && now - at < ttlMillis) {
      return false;
    }
    seen.put(id, now);
    return true;
  }

  public synchronized int size() {
    return seen.size();
  }
}
