package io.jtau.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @TempDir Path dir;
  final TestClock clock = new TestClock();

  @Test
  void appendsInOrderDurablyFiltersByProjectAndRedacts() {
    Redactor redactor = new Redactor();
    redactor.register("jtau-canary-abcdefgh");
    try (AuditLog log = new AuditLog(dir, clock, redactor)) {
      log.append("operator", "token.create", "a", "tok_1 scopes [read]");
      clock.advance(Duration.ofSeconds(1));
      log.append("token:tok_1", "push", "a", "code refs/heads/main 000..111");
      log.append("operator", "token.create", "b", "secret jtau-canary-abcdefgh\nsecond line");
    }
    try (AuditLog log = new AuditLog(dir, clock, redactor)) {
      assertThat(log.list(null, 100))
          .extracting(AuditEntry::sequence, AuditEntry::action, AuditEntry::project)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1L, "token.create", "a"),
              org.assertj.core.groups.Tuple.tuple(2L, "push", "a"),
              org.assertj.core.groups.Tuple.tuple(3L, "token.create", "b"));
      assertThat(log.list("a", 100)).extracting(AuditEntry::sequence).containsExactly(1L, 2L);
      assertThat(log.list(null, 1)).extracting(AuditEntry::sequence).containsExactly(3L);
      assertThat(log.list("b", 10).get(0).detail()).isEqualTo("secret <redacted> second line");
      assertThat(log.append("operator", "x", "", "").sequence()).isEqualTo(4L);
    }
  }
}
