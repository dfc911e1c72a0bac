package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The lines tau dream prints while it starts, as a table. */
class ProgressTest {

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of(
            "ready after builds",
            new Progress.Outcome.Ready(412, 120, 2),
            "  apply         412 ms  chat ready (2 builds, 120 ms)",
            "ready"),
        Arguments.of(
            "ready with one build",
            new Progress.Outcome.Ready(90, 15, 1),
            "  apply          90 ms  chat ready (1 build, 15 ms)",
            "ready"),
        Arguments.of(
            "ready from artifacts built before",
            new Progress.Outcome.Ready(30, 0, 0),
            "  apply          30 ms  chat ready (no build needed)",
            "ready"),
        Arguments.of(
            "stalled: only the first line of the message",
            new Progress.Outcome.Stalled(
                250, "BuildFailed", "fib: clang is not installed\nsecond line"),
            "  apply         250 ms  chat Stalled: fib: clang is not installed ...",
            "Stalled: fib: clang is not installed ..."),
        Arguments.of(
            "pending at the deadline",
            new Progress.Outcome.Pending(120000, "Pending: waiting for the project to apply"),
            "  apply        120000 ms  chat not ready yet: Pending: waiting for the project to apply",
            "pending: Pending: waiting for the project to apply"),
        Arguments.of(
            "stalled without a message",
            new Progress.Outcome.Stalled(5, "BuildFailed", ""),
            "  apply           5 ms  chat Stalled: (no message)",
            "Stalled: (no message)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void sampleLineAndState(String name, Progress.Outcome given, String line, String state) {
    assertThat(Progress.sample("chat", given)).isEqualTo(line);
    assertThat(Progress.state(given)).isEqualTo(state);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void namesReadAsASentence(String name, List<String> given, String then) {
    assertThat(Progress.names(given)).isEqualTo(then);
  }

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of("none", List.of(), "none"),
        Arguments.of("one", List.of("hello"), "hello"),
        Arguments.of("two", List.of("hello", "kv"), "hello and kv"),
        Arguments.of("three", List.of("hello", "kv", "chat"), "hello, kv and chat"));
  }

  @org.junit.jupiter.api.Test
  void stepAndSubstepAlignTheirDurations() {
    assertThat(Progress.step("seed", 12, "hello and kv"))
        .isEqualTo("  seed           12 ms  hello and kv");
    assertThat(Progress.substep("data folder and keys", 3))
        .isEqualTo("                  3 ms  data folder and keys");
    assertThat(Progress.step("boot", 2882, "")).isEqualTo("  boot         2882 ms");
  }
}
