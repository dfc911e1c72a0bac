package io.jtau.reconcile;

import io.jtau.model.ProjectKey;
import java.time.Duration;
import java.util.Collection;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The periodic safety pass: every {@code period} (each delay drawn uniformly in ±10 % of it, so
 * nodes started together do not pass in step) it enqueues every known key, which heals whatever a
 * lost trigger left behind. A pass costs one no-op reconcile per key whose head did not move. A
 * zero period disables it. Thread-safe; runs on the given scheduler.
 */
public final class SafetyPass implements AutoCloseable {

  private final ScheduledExecutorService scheduler;
  private final Supplier<? extends Collection<ProjectKey>> keys;
  private final Consumer<ProjectKey> enqueue;
  private final Duration period;
  private final Random random;
  private final AtomicLong passes = new AtomicLong();
  private volatile ScheduledFuture<?> next;
  private volatile boolean closed;

  public SafetyPass(
      ScheduledExecutorService scheduler,
      Supplier<? extends Collection<ProjectKey>> keys,
      Consumer<ProjectKey> enqueue,
      Duration period,
      Random random) {
    if (period.isNegative()) {
      throw new IllegalArgumentException("safety pass period is negative: " + period);
    }
    this.scheduler = scheduler;
    this.keys = keys;
    this.enqueue = enqueue;
    this.period = period;
    this.random = random;
  }

  /** Schedules the first pass one (jittered) period from now. Does nothing when disabled. */
  public void start() {
    if (!period.isZero()) {
      scheduleNext();
    }
  }

  /** Whether passes are scheduled. */
  public boolean enabled() {
    return !period.isZero();
  }

  /** The delay before the next pass: the period ±10 %. */
  Duration nextDelay() {
    long p = period.toMillis();
    return Duration.ofMillis(Math.max(1, p - p / 10 + (long) (random.nextDouble() * (p / 5.0))));
  }

  private void scheduleNext() {
    if (closed) {
      return;
    }
    try {
      next =
          scheduler.schedule(
              () -> {
                try {
                  runOnce();
                } finally {
                  scheduleNext();
                }
              },
              nextDelay().toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The scheduler is shutting down with the node.
    }
  }

  /** Enqueues every known key now; returns how many. */
  public int runOnce() {
    int n = 0;
    for (ProjectKey k : keys.get()) {
      enqueue.accept(k);
      n++;
    }
    passes.incrementAndGet();
    return n;
  }

  /** How many passes ran. */
  public long passes() {
    return passes.get();
  }

  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> f = next;
    if (f != null) {
      f.cancel(false);
    }
  }
}
