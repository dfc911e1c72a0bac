package io.jtau.source;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps mirrors fresh: a safety poll per tracked repository (the period with ±20 % jitter), fetches
 * on request (a webhook), coalesced so that any number of requests while a fetch is queued cost one
 * fetch (a request that arrives while a fetch runs costs exactly one more), and retries with
 * exponential backoff and full jitter after a failure. Never fetches on the caller's thread.
 * Thread-safe.
 */
public final class MirrorSync implements AutoCloseable {

  /** One fetch of a tracked repository; throws to report a failure. */
  @FunctionalInterface
  public interface Fetch {
    RemoteMirror.Outcome run() throws FetchFailedException;
  }

  /** Told about every fetch outcome; called on a fetch thread. */
  public interface Listener {
    void fetched(String key, RemoteMirror.Outcome outcome);

    void failed(String key, String message, int attempt, Duration retryIn);
  }

  /** Timing settings. */
  public record Settings(Duration poll, Duration firstRetry, Duration maxRetry) {}

  private final class Tracked {
    final String key;
    final Fetch fetch;
    final AtomicInteger state = new AtomicInteger(); // 0 idle, 1 queued, 2 running, 3 running+again
    final AtomicInteger failures = new AtomicInteger();
    final AtomicLong runs = new AtomicLong();
    volatile ScheduledFuture<?> poll;
    volatile ScheduledFuture<?> retry;
    volatile boolean closed;

    Tracked(String key, Fetch fetch) {
      this.key = key;
      this.fetch = fetch;
    }
  }

  private final ScheduledExecutorService scheduler;
  private final Executor fetchers;
  private final Random random;
  private final Settings settings;
  private final Listener listener;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

  public MirrorSync(
      ScheduledExecutorService scheduler,
      Executor fetchers,
      Random random,
      Settings settings,
      Listener listener) {
    this.scheduler = scheduler;
    this.fetchers = fetchers;
    this.random = random;
    this.settings = settings;
    this.listener = listener;
  }

  /** Starts following {@code key}: one fetch now, then the safety poll. Idempotent per key. */
  public void track(String key, Fetch fetch) {
    Tracked t = new Tracked(key, fetch);
    if (tracked.putIfAbsent(key, t) != null) {
      return;
    }
    request(key);
    schedulePoll(t);
  }

  /** Stops following {@code key}; a running fetch finishes, nothing further runs. */
  public void untrack(String key) {
    Tracked t = tracked.remove(key);
    if (t != null) {
      t.closed = true;
      cancel(t.poll);
      cancel(t.retry);
    }
  }

  /** Asks for a fetch soon; returns false when the key is unknown. Never blocks. */
  public boolean request(String key) {
    Tracked t = tracked.get(key);
    if (t == null) {
      return false;
    }
    while (true) {
      int s = t.state.get();
      if (s == 1 || s == 3) {
        return true;
      }
      int next = s == 0 ? 1 : 3;
      if (t.state.compareAndSet(s, next)) {
        if (s == 0) {
          fetchers.execute(() -> run(t));
        }
        return true;
      }
    }
  }

  /** How many fetches of {@code key} have run. */
  public long runs(String key) {
    Tracked t = tracked.get(key);
    return t == null ? 0 : t.runs.get();
  }

  private void run(Tracked t) {
    if (t.closed) {
      t.state.set(0);
      return;
    }
    t.state.set(2);
    t.runs.incrementAndGet();
    try {
      RemoteMirror.Outcome o = t.fetch.run();
      t.failures.set(0);
      cancel(t.retry);
      listener.fetched(t.key, o);
    } catch (FetchFailedException | RuntimeException e) {
      int attempt = t.failures.incrementAndGet();
      Duration delay = backoff(attempt, settings.firstRetry(), settings.maxRetry(), random);
      if (!t.closed) {
        t.retry = scheduler.schedule(() -> request(t.key), delay.toMillis(), TimeUnit.MILLISECONDS);
      }
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      listener.failed(t.key, message, attempt, delay);
    } finally {
      if (t.state.compareAndSet(3, 1)) {
        fetchers.execute(() -> run(t));
      } else {
        t.state.compareAndSet(2, 0);
      }
    }
  }

  private void schedulePoll(Tracked t) {
    if (t.closed || settings.poll().isZero() || settings.poll().isNegative()) {
      return;
    }
    long base = settings.poll().toMillis();
    long jittered = Math.max(1, (long) (base * (0.8 + 0.4 * random.nextDouble())));
    t.poll =
        scheduler.schedule(
            () -> {
              request(t.key);
              schedulePoll(t);
            },
            jittered,
            TimeUnit.MILLISECONDS);
  }

  /**
   * The delay before retry number {@code attempt} (1-based): exponential from {@code first}, capped
   * at {@code max}, with full jitter in [d/2, d]. Pure apart from {@code random}.
   */
  public static Duration backoff(int attempt, Duration first, Duration max, Random random) {
    long cap = max.toMillis();
    long d = first.toMillis();
    for (int i = 1; i < attempt && d < cap; i++) {
      d *= 2;
    }
    d = Math.min(d, cap);
    long half = d / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (d - half)));
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  @Override
  public void close() {
    for (String k : java.util.List.copyOf(tracked.keySet())) {
      untrack(k);
    }
  }
}
