package io.jtau;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logging.Logger;

/** The check shared by {@link SuiteLogCheckTest} and {@link SuiteLogCheckIT}. */
final class SuiteLogCheck {

  private SuiteLogCheck() {}

  static void verify(String run) {
    SuiteLogCapture.Capture c = SuiteLogCapture.installed();
    assertThat(c)
        .as("the suite log capture is on the root logger (META-INF/services registers it)")
        .isNotNull();
    long before = c.lines();
    Logger.getLogger("io.jtau.suite").info("suite log check: the capture is still live");
    assertThat(c.lines()).as("the capture still receives log lines").isGreaterThan(before);
    System.out.printf(
        "suite log check (%s): %d log lines captured, %d held a secret%n",
        run, c.lines(), c.leaks());
    assertThat(c.leaked())
        .as("log lines of the whole " + run + " run holding the canary or a token")
        .isEmpty();
  }
}
