package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DeliveriesTest {

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aReplayedDeliveryIsSeenOnceUntilItsTtlEnds() {
    MutableClock clock = new MutableClock();
    Deliveries d = new Deliveries(clock, 100, Duration.ofMinutes(10));
    assertThat(d.firstSeen("a")).isTrue();
    assertThat(d.firstSeen("a")).isFalse();
    assertThat(d.firstSeen("b")).isTrue();
    clock.now = clock.now.plus(Duration.ofMinutes(11));
    assertThat(d.firstSeen("a")).as("forgotten after the TTL").isTrue();
    assertThat(d.size()).isEqualTo(1);
  }

  @Test
  void isBoundedOldestForgottenFirst() {
    Deliveries d = new Deliveries(new MutableClock(), 3, Duration.ofHours(1));
    for (String id : new String[] {"1", "2", "3", "4"}) {
      assertThat(d.firstSeen(id)).isTrue();
    }
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.firstSeen("1")).as("evicted").isTrue();
    assertThat(d.firstSeen("4")).isFalse();
  }

  @Test
  void anEmptyIdIsNeverDeduplicated() {
    Deliveries d = new Deliveries(new MutableClock(), 3, Duration.ofHours(1));
    assertThat(d.firstSeen("")).isTrue();
    assertThat(d.firstSeen("")).isTrue();
  }
}
