package io.jtau.access;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts authentication failures (a presented token or password that is not valid) per client
 * address. After {@code maxFailures} failures within one window the address is blocked for the
 * cool-down, whatever it presents (the caller answers 429). Memory is bounded: at most {@code
 * maxAddresses} addresses are tracked, the least recently seen forgotten first. Thread-safe; never
 * blocks beyond a short lock.
 */
public final class FailureLimiter {

  private static final class Window {
    long startMillis;
    int failures;
    long blockedUntilMillis;
  }

  private final Clock clock;
  private final int maxFailures;
  private final long windowMillis;
  private final long coolDownMillis;
  private final Map<String, Window> byAddress;

  public FailureLimiter(
      Clock clock, int maxFailures, Duration window, Duration coolDown, int maxAddresses) {
    if (maxFailures < 1 || maxAddresses < 1) {
      throw new IllegalArgumentException("maxFailures and maxAddresses must be positive");
    }
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.windowMillis = window.toMillis();
    this.coolDownMillis = coolDown.toMillis();
    this.byAddress =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > maxAddresses;
          }
        };
  }

  /** How long the address must still wait, {@link Duration#ZERO} when it may try. */
  public synchronized Duration blockedFor(String address) {
    Window w = byAddress.get(address);
    long now = clock.millis();
    if (w == null || w.blockedUntilMillis <= now) {
      return Duration.ZERO;
    }
    return Duration.ofMillis(w.blockedUntilMillis - now);
  }

  /** Records one failure; returns true when the address is now blocked. */
  public synchronized boolean failure(String address) {
    long now = clock.millis();
    Window w = byAddress.computeIfAbsent(address, a -> new Window());
    if (now - w.startMillis >= windowMillis) {
      w.startMillis = now;
      w.failures = 0;
    }
    w.failures++;
    if (w.failures >= maxFailures) {
      w.blockedUntilMillis = now + coolDownMillis;
      w.failures = 0;
      w.startMillis = now;
      return true;
    }
    return false;
  }

  /** Forgets every address (operators and tests). */
  public synchronized void clear() {
    byAddress.clear();
  }

  /** How many addresses are tracked now. */
  public synchronized int tracked() {
    return byAddress.size();
  }
}
