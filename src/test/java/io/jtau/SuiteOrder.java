package io.jtau;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Test classes by name, except the suite log checks, which run last so they see the log lines of
 * every other class. Used as Quarkus' secondary class orderer (the system property {@code
 * junit.quarkus.orderer.secondary-orderer} in the pom); Quarkus first groups classes by kind, and
 * the checks, plain JUnit classes, fall in its last group.
 */
public final class SuiteOrder implements ClassOrderer {

  @Override
  public void orderClasses(ClassOrdererContext context) {
    context
        .getClassDescriptors()
        .sort(
            Comparator.comparing(
                    (org.junit.jupiter.api.ClassDescriptor d) ->
                        d.getTestClass() == SuiteLogCheckTest.class
                            || d.getTestClass() == SuiteLogCheckIT.class)
                .thenComparing(d -> d.getTestClass().getName()));
  }
}
