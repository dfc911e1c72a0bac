package io.jtau;

import org.junit.jupiter.api.Test;

/**
 * Runs last in the end-to-end JVM ({@link SuiteOrder}), after every {@code @QuarkusTest}: no log
 * line of the whole run (node, dream, tests) held the canary secret or a token (see {@link
 * SuiteLogCapture}). The canary was used as a repository token, a webhook delivery, a database
 * encryption key and as bogus input to every API family by the tests before it.
 */
class SuiteLogCheckIT {

  @Test
  void noLogLineOfTheWholeRunHeldASecret() {
    SuiteLogCheck.verify("end-to-end tests");
  }
}
