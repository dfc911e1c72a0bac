package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MirrorSyncTest {

  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final ExecutorService fetchers = Executors.newFixedThreadPool(2);
  final List<String> log = new CopyOnWriteArrayList<>();
  final MirrorSync.Listener listener =
      new MirrorSync.Listener() {
        @Override
        public void fetched(String key, RemoteMirror.Outcome outcome) {
          log.add("ok " + key);
        }

        @Override
        public void failed(String key, String message, int attempt, Duration retryIn) {
          log.add("failed " + key + " #" + attempt + ": " + message);
        }
      };

  @AfterEach
  void tearDown() {
    timer.shutdownNow();
    fetchers.shutdownNow();
  }

  static RemoteMirror.Outcome nothing() {
    return new RemoteMirror.Outcome(Map.of(), Set.of());
  }

  @Test
  void aBurstOfRequestsWhileAFetchRunsCostsExactlyOneMoreFetch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    MirrorSync sync =
        new MirrorSync(
            timer,
            fetchers,
            new Random(1),
            new MirrorSync.Settings(Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(100)),
            listener);
    sync.track(
        "p/config",
        () -> {
          if (runs.incrementAndGet() == 1) {
            started.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return nothing();
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 500; i++) {
      sync.request("p/config");
    }
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> log.size() == 2);
    assertThat(runs.get()).isEqualTo(2);
    assertThat(sync.runs("p/config")).isEqualTo(2);
    assertThat(sync.request("unknown")).isFalse();
    sync.close();
  }

  @Test
  void failuresAreRetriedWithBackoffUntilTheRemoteAnswers() {
    AtomicInteger runs = new AtomicInteger();
    MirrorSync sync =
        new MirrorSync(
            timer,
            fetchers,
            new Random(1),
            new MirrorSync.Settings(Duration.ZERO, Duration.ofMillis(5), Duration.ofMillis(40)),
            listener);
    sync.track(
        "p/code",
        () -> {
          if (runs.incrementAndGet() <= 3) {
            throw new FetchFailedException("fetch of p/code failed: connection refused");
          }
          return nothing();
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> log.contains("ok p/code"));
    assertThat(log)
        .containsExactly(
            "failed p/code #1: fetch of p/code failed: connection refused",
            "failed p/code #2: fetch of p/code failed: connection refused",
            "failed p/code #3: fetch of p/code failed: connection refused",
            "ok p/code");
    sync.close();
  }

  @Test
  void theSafetyPollFetchesAgainWithoutAnyRequest() {
    AtomicInteger runs = new AtomicInteger();
    MirrorSync sync =
        new MirrorSync(
            timer,
            fetchers,
            new Random(1),
            new MirrorSync.Settings(
                Duration.ofMillis(20), Duration.ofMillis(5), Duration.ofMillis(40)),
            listener);
    sync.track(
        "p/site",
        () -> {
          runs.incrementAndGet();
          return nothing();
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
    sync.untrack("p/site");
    assertThat(sync.runs("p/site")).isZero();
  }

  @Test
  void backoffDoublesIsCappedAndJittered() {
    Random r = new Random(7);
    Duration first = Duration.ofSeconds(2);
    Duration max = Duration.ofSeconds(300);
    for (int attempt = 1; attempt <= 12; attempt++) {
      long nominal = Math.min(2000L << (attempt - 1), 300_000L);
      long d = MirrorSync.backoff(attempt, first, max, r).toMillis();
      assertThat(d).as("attempt " + attempt).isBetween(nominal / 2, nominal);
    }
  }
}
