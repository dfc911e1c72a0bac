package io.jtau.reconcile;

import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.port.CancellationToken;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs reconciles by key. Keys are de-duplicated: a key enqueued while queued costs nothing, and a
 * key enqueued while running runs once more afterwards, so a burst of triggers costs at most two
 * runs. One run per key at a time; different keys run in parallel on the given pool. Runs of one
 * key start at least {@code minInterval} apart (a storm of triggers is folded into few runs).
 * Transient failures retry with exponential backoff and jitter; stalled keys wait for the next
 * trigger.
 *
 * <p>Pre-emption: a trigger that arrives while the key runs asks the task (on the timer thread)
 * whether the run is {@linkplain Task#superseded superseded}, i.e. works on heads that are no
 * longer the branch heads; if so the run's {@link CancellationToken} is cancelled, the run stops at
 * its next check (builds observe the token too) and the key runs again at once. Thread-safe; {@link
 * #enqueue} never blocks.
 */
public final class WorkQueue implements AutoCloseable {

  /** The work done for a key. */
  public interface Task {
    /** Reconciles the key; observes {@code cancel}. Should not throw. */
    ReconcileResult run(ProjectKey key, CancellationToken cancel);

    /** Whether the run in progress for the key is working on stale input. Cheap; never blocks. */
    default boolean superseded(ProjectKey key) {
      return false;
    }
  }

  private enum State {
    QUEUED,
    RUNNING,
    RUNNING_DIRTY
  }

  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Task task;
  private final ReconcileListener listener;
  private final Random random;
  private final Clock clock;
  private final Map<ProjectKey, State> states = new ConcurrentHashMap<>();
  private final Map<ProjectKey, Integer> failures = new ConcurrentHashMap<>();
  private final Map<ProjectKey, Long> lastStart = new ConcurrentHashMap<>();
  private final Map<ProjectKey, CancellationToken> tokens = new ConcurrentHashMap<>();
  private final Duration baseBackoff;
  private final Duration maxBackoff;
  private final Duration minInterval;

  /**
   * @param workers runs reconciles (its size bounds how many keys run at once)
   * @param timers runs delayed re-enqueues and pre-emption checks
   * @param minInterval least time between the starts of two runs of one key
   * @param clock measures {@code minInterval}
   */
  public WorkQueue(
      ExecutorService workers,
      ScheduledExecutorService timers,
      Task task,
      ReconcileListener listener,
      Random random,
      Duration baseBackoff,
      Duration maxBackoff,
      Duration minInterval,
      Clock clock) {
    this.workers = workers;
    this.timers = timers;
    this.task = task;
    this.listener = listener;
    this.random = random;
    this.baseBackoff = baseBackoff;
    this.maxBackoff = maxBackoff;
    this.minInterval = minInterval;
    this.clock = clock;
  }

  /** A queue without rate limit whose task ignores cancellation. */
  public WorkQueue(
      ExecutorService workers,
      ScheduledExecutorService timers,
      Function<ProjectKey, ReconcileResult> reconcile,
      ReconcileListener listener,
      Random random,
      Duration baseBackoff,
      Duration maxBackoff) {
    this(
        workers,
        timers,
        (key, cancel) -> reconcile.apply(key),
        listener,
        random,
        baseBackoff,
        maxBackoff,
        Duration.ZERO,
        Clock.systemUTC());
  }

  /** Asks for a reconcile of the key soon. Never blocks. */
  public void enqueue(ProjectKey key) {
    boolean[] submit = {false};
    boolean[] running = {false};
    states.compute(
        key,
        (k, s) -> {
          if (s == null) {
            submit[0] = true;
            return State.QUEUED;
          }
          if (s != State.QUEUED) {
            running[0] = true;
            return State.RUNNING_DIRTY;
          }
          return s;
        });
    if (submit[0]) {
      dispatch(key);
    } else if (running[0]) {
      execute(timers, () -> preemptIfSuperseded(key));
    }
  }

  private void preemptIfSuperseded(ProjectKey key) {
    CancellationToken token = tokens.get(key);
    if (token != null && !token.isCancelled() && task.superseded(key)) {
      token.cancel("a newer commit arrived");
    }
  }

  /** Keys queued or running. */
  public int depth() {
    return states.size();
  }

  /** When the key's last run started, by the queue's clock (millis), or -1 (for tests). */
  long lastStartMillis(ProjectKey key) {
    Long last = lastStart.get(key);
    return last == null ? -1 : last;
  }

  /** Starts the key's run now, or once {@code minInterval} has passed since its last start. */
  private void dispatch(ProjectKey key) {
    Long last = lastStart.get(key);
    long wait = last == null ? 0 : last + minInterval.toMillis() - clock.millis();
    if (wait <= 0) {
      execute(workers, () -> run(key));
    } else if (!timers.isShutdown()) {
      try {
        timers.schedule(() -> execute(workers, () -> run(key)), wait, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        states.remove(key);
      }
    }
  }

  private void execute(ExecutorService pool, Runnable r) {
    try {
      pool.execute(r);
    } catch (RejectedExecutionException e) {
      // Closed: the run is dropped, as every queued run is on close.
    }
  }

  private void run(ProjectKey key) {
    states.put(key, State.RUNNING);
    lastStart.put(key, clock.millis());
    CancellationToken token = CancellationToken.create();
    tokens.put(key, token);
    long start = System.nanoTime();
    ReconcileResult result;
    try {
      result = task.run(key, token);
    } catch (RuntimeException | AssertionError e) {
      result = new ReconcileResult.Transient("Crashed", String.valueOf(e));
    } finally {
      tokens.remove(key, token);
    }
    listener.finished(key, result, System.nanoTime() - start);
    boolean again =
        states.compute(key, (k, s) -> s == State.RUNNING_DIRTY ? State.QUEUED : null) != null;
    if (again) {
      dispatch(key);
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
    if (delay.isZero() || delay.isNegative()) {
      enqueue(key);
      return;
    }
    if (!timers.isShutdown()) {
      try {
        timers.schedule(() -> enqueue(key), delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // Closed meanwhile.
      }
    }
  }

  /** Cancels runs in progress and stops both pools. */
  @Override
  public void close() {
    tokens.values().forEach(t -> t.cancel("the node is stopping"));
    timers.shutdownNow();
    workers.shutdownNow();
  }
}
