package io.jtau.dream;

import java.util.List;
import java.util.Locale;

/**
 * The lines {@code tau dream} prints while it starts: one per step with its duration, then one per
 * sample project with how it ended. Pure formatting, no I/O; thread-safe (stateless).
 */
final class Progress {

  private Progress() {}

  /** How one sample project ended its start (or reset). */
  sealed interface Outcome {
    /** Its routes are live; {@code buildMillis} of the total went to builds that ran. */
    record Ready(long millis, long buildMillis, int builds) implements Outcome {}

    /** It will not apply until a new commit arrives (invalid config, failed build, toolchain). */
    record Stalled(long millis, String reason, String message) implements Outcome {}

    /** Neither happened before the deadline; {@code message} is its Ready condition. */
    record Pending(long millis, String message) implements Outcome {}
  }

  /** A step line: {@code " seed 12 ms hello, kv"}. */
  static String step(String name, long millis, String detail) {
    return String.format(Locale.ROOT, "  %-12s %7s  %s", name, millis + " ms", detail)
        .stripTrailing();
  }

  /** A detail line under a step: {@code " 3 ms data folder and keys"}. */
  static String substep(String name, long millis) {
    return String.format(Locale.ROOT, "  %-12s %7s  %s", "", millis + " ms", name);
  }

  /** The line of one sample project once it is ready, stalled or still pending. */
  static String sample(String project, Outcome outcome) {
    if (outcome instanceof Outcome.Ready r) {
      String builds =
          r.builds() == 0
              ? "no build needed"
              : r.builds() + (r.builds() == 1 ? " build, " : " builds, ") + r.buildMillis() + " ms";
      return step("apply", r.millis(), project + " ready (" + builds + ")");
    }
    if (outcome instanceof Outcome.Stalled s) {
      return step("apply", s.millis(), project + " Stalled: " + firstLine(s.message()));
    }
    if (outcome instanceof Outcome.Pending p) {
      return step("apply", p.millis(), project + " not ready yet: " + firstLine(p.message()));
    }
    throw new AssertionError(outcome);
  }

  /** A short status word for the banner and dream.json. */
  static String state(Outcome outcome) {
    if (outcome instanceof Outcome.Ready) {
      return "ready";
    }
    if (outcome instanceof Outcome.Stalled s) {
      return "Stalled: " + firstLine(s.message());
    }
    if (outcome instanceof Outcome.Pending p) {
      return "pending: " + firstLine(p.message());
    }
    throw new AssertionError(outcome);
  }

  /** {@code "hello, kv and chat"}. */
  static String names(List<String> names) {
    if (names.isEmpty()) {
      return "none";
    }
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }

  private static String firstLine(String s) {
    if (s == null || s.isBlank()) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " ...";
  }
}
