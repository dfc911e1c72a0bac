package io.jtau.model;

import java.util.Objects;

/**
 * One problem found in a project's repositories: where it is (file relative to the repository root
 * with a leading {@code /}, 1-based line and column, 0 when unknown), which field, and a message a
 * person understands.
 */
public record Problem(
    Severity severity, String file, int line, int column, String field, String message) {

  /** How bad a problem is: errors stop a commit from being applied, warnings never do. */
  public enum Severity {
    ERROR,
    WARNING
  }

  public Problem {
    Objects.requireNonNull(severity, "severity");
    file = file == null ? "" : file;
    field = field == null ? "" : field;
    Objects.requireNonNull(message, "message");
  }

  public static Problem error(String file, int line, int column, String field, String message) {
    return new Problem(Severity.ERROR, file, line, column, field, message);
  }

  public static Problem warning(String file, int line, int column, String field, String message) {
    return new Problem(Severity.WARNING, file, line, column, field, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code /functions/ping.yaml:7:12 trigger.method: 'FETCH' is not an HTTP method}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    if (!file.isEmpty()) {
      b.append(file);
      if (line > 0) {
        b.append(':').append(line).append(':').append(column);
      }
      b.append(' ');
    }
    if (severity == Severity.WARNING) {
      b.append("warning: ");
    }
    if (!field.isEmpty()) {
      b.append(field).append(": ");
    }
    return b.append(message).toString();
  }
}
