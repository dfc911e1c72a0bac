package io.jtau.reconcile;

import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs reconciles by key. Keys are de-duplicated: a key enqueued while queued costs nothing, and a
 * key enqueued while running runs once more afterwards, so a burst of triggers costs at most two
 * runs. One run per key at a time; different keys run in parallel on the given pool. Transient
 * failures retry with exponential backoff and jitter; stalled keys wait for the next trigger.
 * Thread-safe.
 */
public final class WorkQueue implements AutoCloseable {

  private enum State {
    QUEUED,
    RUNNING,
    RUNNING_DIRTY
  }

  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Function<ProjectKey, ReconcileResult> reconcile;
  private final ReconcileListener listener;
  private final Random random;
  private final Map<ProjectKey, State> states = new ConcurrentHashMap<>();
  private final Map<ProjectKey, Integer> failures = new ConcurrentHashMap<>();
  private final Duration baseBackoff;
  private final Duration maxBackoff;

  public WorkQueue(
      ExecutorService workers,
      ScheduledExecutorService timers,
      Function<ProjectKey, ReconcileResult> reconcile,
      ReconcileListener listener,
      Random random,
      Duration baseBackoff,
      Duration maxBackoff) {
    this.workers = workers;
    this.timers = timers;
    this.reconcile = reconcile;
    this.listener = listener;
    this.random = random;
    this.baseBackoff = baseBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** Asks for a reconcile of the key soon. Never blocks. */
  public void enqueue(ProjectKey key) {
    boolean[] submit = {false};
    states.compute(
        key,
        (k, s) -> {
          if (s == null) {
            submit[0] = true;
            return State.QUEUED;
          }
          return s == State.RUNNING ? State.RUNNING_DIRTY : s;
        });
    if (submit[0]) {
      workers.execute(() -> run(key));
    }
  }

  /** Keys queued or running. */
  public int depth() {
    return states.size();
  }

  private void run(ProjectKey key) {
    states.put(key, State.RUNNING);
    long start = System.nanoTime();
    ReconcileResult result;
    try {
      result = reconcile.apply(key);
    } catch (RuntimeException | AssertionError e) {
      result = new ReconcileResult.Transient("Crashed", String.valueOf(e));
    }
    listener.finished(key, result, System.nanoTime() - start);
    boolean again =
        states.compute(key, (k, s) -> s == State.RUNNING_DIRTY ? State.QUEUED : null) != null;
    if (again) {
      workers.execute(() -> run(key));
      return;
    }
    schedule(key, result);
  }

  private void schedule(ProjectKey key, ReconcileResult result) {
    if (result instanceof ReconcileResult.Transient) {
      int n = failures.merge(key, 1, Integer::sum);
      later(key, backoff(n));
    } else if (result instanceof ReconcileResult.Waiting w) {
      failures.remove(key);
      later(key, w.retryAfter());
    } else if (result instanceof ReconcileResult.RequeueAfter r) {
      failures.remove(key);
      later(key, r.delay());
    } else {
      failures.remove(key);
    }
  }

  Duration backoff(int attempt) {
    long base = baseBackoff.toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    long jitter = (long) (capped * 0.2 * random.nextDouble());
    return Duration.ofMillis(capped + jitter);
  }

  private void later(ProjectKey key, Duration delay) {
    if (!timers.isShutdown()) {
      timers.schedule(() -> enqueue(key), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
    workers.shutdownNow();
  }
}
