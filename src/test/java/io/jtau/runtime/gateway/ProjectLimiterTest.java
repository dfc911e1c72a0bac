package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectLimiterTest {

  long now = 1_000_000_000L;

  @Test
  void theRateIsATokenBucketPerProject() {
    ProjectLimiter l = new ProjectLimiter(new ProjectLimiter.Settings(10, 5, 0), () -> now);
    for (int i = 0; i < 5; i++) {
      ((ProjectLimiter.Admitted) l.acquire("a")).release();
    }
    assertThat(l.acquire("a"))
        .isEqualTo(new ProjectLimiter.Refused(429, "project a is over 10.0 requests/s"));
    // Another project is not affected.
    assertThat(l.acquire("b")).isInstanceOf(ProjectLimiter.Admitted.class);
    now += 100_000_000L; // 0.1 s refills one token
    assertThat(l.acquire("a")).isInstanceOf(ProjectLimiter.Admitted.class);
    assertThat(l.acquire("a")).isInstanceOf(ProjectLimiter.Refused.class);
    now += 10_000_000_000L; // refill never exceeds the burst
    int admitted = 0;
    for (int i = 0; i < 20; i++) {
      if (l.acquire("a") instanceof ProjectLimiter.Admitted) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(5);
  }

  @Test
  void concurrencyOverTheCapGets503UntilReleased() {
    ProjectLimiter l = new ProjectLimiter(new ProjectLimiter.Settings(0, 0, 2), () -> now);
    List<ProjectLimiter.Admitted> held = new ArrayList<>();
    held.add((ProjectLimiter.Admitted) l.acquire("a"));
    held.add((ProjectLimiter.Admitted) l.acquire("a"));
    assertThat(l.acquire("a"))
        .isEqualTo(new ProjectLimiter.Refused(503, "project a has 2 requests in flight"));
    assertThat(l.inFlight("a")).isEqualTo(2);
    held.get(0).release();
    assertThat(l.acquire("a")).isInstanceOf(ProjectLimiter.Admitted.class);
  }
}
