package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jtau.model.ProjectKey;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SafetyPassTest {

  final List<ProjectKey> keys = List.of(new ProjectKey("a", "main"), new ProjectKey("b", "main"));

  @Test
  void everyPassEnqueuesEveryKnownKeyAndRepeats() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    ConcurrentHashMap<ProjectKey, AtomicInteger> seen = new ConcurrentHashMap<>();
    try (SafetyPass pass =
        new SafetyPass(
            scheduler,
            () -> keys,
            k -> seen.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet(),
            Duration.ofMillis(20),
            new Random(3))) {
      pass.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> pass.passes() >= 3);
      assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(keys);
      assertThat(seen.get(keys.get(0)).get()).isGreaterThanOrEqualTo(3);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void zeroPeriodIsOffAndRunOnceStillWorks() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger n = new AtomicInteger();
    try (SafetyPass pass =
        new SafetyPass(
            scheduler, () -> keys, k -> n.incrementAndGet(), Duration.ZERO, new Random())) {
      pass.start();
      assertThat(pass.enabled()).isFalse();
      assertThat(pass.runOnce()).isEqualTo(2);
      assertThat(n.get()).isEqualTo(2);
      assertThat(pass.passes()).isEqualTo(1);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void delaysAreJitteredWithinTenPercent() {
    try (SafetyPass pass =
        new SafetyPass(
            Executors.newSingleThreadScheduledExecutor(),
            () -> keys,
            k -> {},
            Duration.ofSeconds(60),
            new Random(9))) {
      long min = Long.MAX_VALUE;
      long max = 0;
      for (int i = 0; i < 500; i++) {
        long d = pass.nextDelay().toMillis();
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
      assertThat(min).isGreaterThanOrEqualTo(54_000);
      assertThat(max).isLessThanOrEqualTo(66_000);
      assertThat(max - min).as("delays differ").isGreaterThan(6_000);
    }
  }

  @Test
  void aNegativePeriodIsRefused() {
    assertThatThrownBy(
            () ->
                new SafetyPass(
                    Executors.newSingleThreadScheduledExecutor(),
                    () -> keys,
                    k -> {},
                    Duration.ofSeconds(-1),
                    new Random()))
        .hasMessageContaining("negative");
  }
}
