package io.jtau.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureLimiterTest {

  final TestClock clock = new TestClock();
  final FailureLimiter limiter =
      new FailureLimiter(clock, 10, Duration.ofMinutes(1), Duration.ofSeconds(60), 100);

  @Test
  void tenFailuresInAMinuteBlockForTheCoolDownThenTheAddressMayTryAgain() {
    for (int i = 1; i < 10; i++) {
      assertThat(limiter.failure("10.0.0.1")).as("failure " + i).isFalse();
    }
    assertThat(limiter.blockedFor("10.0.0.1")).isZero();
    assertThat(limiter.failure("10.0.0.1")).isTrue();
    assertThat(limiter.blockedFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(60));
    assertThat(limiter.blockedFor("10.0.0.2")).as("other addresses are not blocked").isZero();
    clock.advance(Duration.ofSeconds(59));
    assertThat(limiter.blockedFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(limiter.blockedFor("10.0.0.1")).isZero();
  }

  @Test
  void failuresSpreadOverMoreThanAWindowDoNotBlock() {
    for (int i = 0; i < 30; i++) {
      assertThat(limiter.failure("10.0.0.1")).isFalse();
      clock.advance(Duration.ofSeconds(i % 9 == 8 ? 60 : 1));
    }
  }

  @Test
  void memoryIsBoundedByTheAddressCount() {
    for (int i = 0; i < 1000; i++) {
      limiter.failure("10.0." + (i / 256) + "." + (i % 256));
    }
    assertThat(limiter.tracked()).isEqualTo(100);
  }
}
