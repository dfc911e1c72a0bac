package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  static WorkQueue queue(java.util.function.Function<ProjectKey, ReconcileResult> f) {
    return new WorkQueue(
        Executors.newFixedThreadPool(4),
        Executors.newSingleThreadScheduledExecutor(),
        f,
        ReconcileListener.NONE,
        new Random(1),
        Duration.ofMillis(10),
        Duration.ofMillis(100));
  }

  @Test
  void aBurstOfTriggersCostsAtMostTwoRunsPerKey() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    ProjectKey key = new ProjectKey("p", "main");
    try (WorkQueue q =
        queue(
            k -> {
              int c = concurrent.incrementAndGet();
              maxConcurrent.accumulateAndGet(c, Math::max);
              runs.incrementAndGet();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              concurrent.decrementAndGet();
              return new ReconcileResult.Done("r", true);
            })) {
      q.enqueue(key);
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
      for (int i = 0; i < 200; i++) {
        q.enqueue(key);
      }
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> q.depth() == 0);
      assertThat(runs.get()).isEqualTo(2);
      assertThat(maxConcurrent.get()).isEqualTo(1);
    }
  }

  @Test
  void transientFailuresRetryWithBackoffAndStalledOnesWait() {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (WorkQueue q =
        queue(
            k -> {
              int n = runs.computeIfAbsent(k.project(), x -> new AtomicInteger()).incrementAndGet();
              if (k.project().equals("flaky")) {
                return n < 3
                    ? new ReconcileResult.Transient("Io", "try again")
                    : new ReconcileResult.Done("r", true);
              }
              return new ReconcileResult.Stalled("r", "InvalidConfig", "bad");
            })) {
      q.enqueue(new ProjectKey("flaky", "main"));
      q.enqueue(new ProjectKey("bad", "main"));
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get("flaky").get() == 3);
      await().atMost(Duration.ofSeconds(5)).until(() -> q.depth() == 0);
      assertThat(runs.get("bad").get()).isEqualTo(1);
    }
  }

  @Test
  void backoffGrowsAndIsCapped() {
    try (WorkQueue q = queue(k -> new ReconcileResult.Done("r", false))) {
      assertThat(q.backoff(1).toMillis()).isBetween(10L, 12L);
      assertThat(q.backoff(3).toMillis()).isBetween(40L, 48L);
      assertThat(q.backoff(30).toMillis()).isBetween(100L, 120L);
    }
  }

  @Test
  void runsOfOneKeyStartAtLeastTheMinimumIntervalApart() {
    // The start times the queue itself recorded (read inside each run), so the check is on the
    // queue's rule and not on when this task's first line happened to run.
    java.util.List<Long> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.time.Clock clock = java.time.Clock.systemUTC();
    ProjectKey key = new ProjectKey("p", "main");
    WorkQueue[] queue = new WorkQueue[1];
    try (WorkQueue q =
        new WorkQueue(
            Executors.newFixedThreadPool(2),
            Executors.newSingleThreadScheduledExecutor(),
            (k, cancel) -> {
              starts.add(queue[0].lastStartMillis(k));
              return new ReconcileResult.Done("r", true);
            },
            ReconcileListener.NONE,
            new Random(1),
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Duration.ofMillis(150),
            clock)) {
      queue[0] = q;
      for (int i = 0; i < 3; i++) {
        q.enqueue(key);
        int n = i + 1;
        await().atMost(Duration.ofSeconds(5)).until(() -> starts.size() == n && q.depth() == 0);
      }
      assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(150);
      assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(150);
    }
  }

  @Test
  void aTriggerForANewerCommitPreemptsAStuckRunButADuplicateDoesNot() {
    ProjectKey key = new ProjectKey("p", "main");
    java.util.concurrent.atomic.AtomicBoolean headMoved =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger checks = new AtomicInteger();
    WorkQueue.Task task =
        new WorkQueue.Task() {
          @Override
          public ReconcileResult run(ProjectKey k, io.jtau.port.CancellationToken cancel) {
            if (runs.incrementAndGet() == 1) {
              CountDownLatch stop = new CountDownLatch(1);
              cancel.onCancel(stop::countDown);
              try {
                // A build stuck on the old commit: only the cancellation ends it.
                stop.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              outcomes.add("first: " + cancel.reason());
              return new ReconcileResult.RequeueAfter(Duration.ZERO);
            }
            outcomes.add("second");
            return new ReconcileResult.Done("r2", true);
          }

          @Override
          public boolean superseded(ProjectKey k) {
            checks.incrementAndGet();
            return headMoved.get();
          }
        };
    try (WorkQueue q =
        new WorkQueue(
            Executors.newFixedThreadPool(2),
            Executors.newSingleThreadScheduledExecutor(),
            task,
            ReconcileListener.NONE,
            new Random(1),
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Duration.ZERO,
            java.time.Clock.systemUTC())) {
      q.enqueue(key);
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
      q.enqueue(key); // same head: a duplicate trigger must not cancel the run
      await().atMost(Duration.ofSeconds(5)).until(() -> checks.get() == 1);
      assertThat(outcomes).isEmpty();
      headMoved.set(true);
      q.enqueue(key);
      await().atMost(Duration.ofSeconds(5)).until(() -> q.depth() == 0 && outcomes.size() == 2);
      assertThat(outcomes).containsExactly("first: a newer commit arrived", "second");
      assertThat(runs.get()).isEqualTo(2);
    }
  }
}
