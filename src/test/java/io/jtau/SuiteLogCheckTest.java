package io.jtau;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs last in the unit-test JVM ({@link SuiteOrder}): no log line of any unit test held the canary
 * secret or a token (see {@link SuiteLogCapture}).
 */
class SuiteLogCheckTest {

  @Test
  void noLogLineOfTheWholeRunHeldASecret() {
    SuiteLogCheck.verify("unit tests");
  }

  @Test
  void theCaptureFlagsALeakedCanary() {
    SuiteLogCapture.Capture probe = new SuiteLogCapture.Capture("canary-probe-0123456789");
    probe.publish(new java.util.logging.LogRecord(java.util.logging.Level.INFO, "fine"));
    probe.publish(
        new java.util.logging.LogRecord(
            java.util.logging.Level.INFO, "leak canary-probe-0123456789"));
    java.util.logging.LogRecord thrown =
        new java.util.logging.LogRecord(java.util.logging.Level.WARNING, "failed");
    thrown.setThrown(
        new IllegalStateException("x", new RuntimeException("canary-probe-0123456789")));
    probe.publish(thrown);
    assertThat(probe.lines()).isEqualTo(3);
    assertThat(probe.leaks()).isEqualTo(2);
    assertThat(probe.leaked()).hasSize(2);
  }
}
