package io.jtau.runtime.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Per-project admission: a token bucket for the request rate (refilled continuously at {@code
 * ratePerSecond}, holding at most {@code burst} tokens) and a cap on requests in flight. A request
 * over the rate is refused with 429, one over the concurrency cap with 503; other projects are not
 * affected. Time comes from an injected nanosecond clock. Thread-safe, non-blocking.
 */
public final class ProjectLimiter {

  /** Limits per project; a rate or cap of 0 or less disables that limit. */
  public record Settings(double ratePerSecond, int burst, int maxConcurrent) {}

  /** The outcome of {@link #acquire}. */
  public sealed interface Admission permits Admitted, Refused {}

  /** Admitted: call {@link #release} exactly once when the response is done. */
  public record Admitted(AtomicInteger inFlight) implements Admission {
    public void release() {
      inFlight.decrementAndGet();
    }
  }

  /** Refused with an HTTP status (429 or 503) and a reason. */
  public record Refused(int status, String reason) implements Admission {}

  private static final class Bucket {
    double tokens;
    long last;
    final AtomicInteger inFlight = new AtomicInteger();
  }

  private final Settings settings;
  private final LongSupplier nanos;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public ProjectLimiter(Settings settings, LongSupplier nanos) {
    this.settings = settings;
    this.nanos = nanos;
  }

  /** Admits or refuses one request of the project. */
  public Admission acquire(String project) {
    Bucket b =
        buckets.computeIfAbsent(
            project,
            p -> {
              Bucket n = new Bucket();
              n.tokens = Math.max(1, settings.burst());
              n.last = nanos.getAsLong();
              return n;
            });
    if (settings.ratePerSecond() > 0) {
      synchronized (b) {
        long now = nanos.getAsLong();
        double refill = (now - b.last) / 1e9 * settings.ratePerSecond();
        b.tokens = Math.min(Math.max(1, settings.burst()), b.tokens + refill);
        b.last = now;
        if (b.tokens < 1) {
          return new Refused(
              429, "project " + project + " is over " + settings.ratePerSecond() + " requests/s");
        }
        b.tokens -= 1;
      }
    }
    int n = b.inFlight.incrementAndGet();
    if (settings.maxConcurrent() > 0 && n > settings.maxConcurrent()) {
      b.inFlight.decrementAndGet();
      return new Refused(
          503, "project " + project + " has " + settings.maxConcurrent() + " requests in flight");
    }
    return new Admitted(b.inFlight);
  }

  /** Requests of the project in flight now. */
  public int inFlight(String project) {
    Bucket b = buckets.get(project);
    return b == null ? 0 : b.inFlight.get();
  }
}
