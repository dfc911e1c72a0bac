package io.jtau.schema;

import io.jtau.model.Problem;
import io.jtau.model.ProjectConfig;
import java.util.List;
import java.util.Map;

/**
 * The outcome of compiling one commit of a config repository.
 *
 * @param config the compiled model, or null when any problem is an error
 * @param problems every error and warning of the commit, sorted by file, line and column
 * @param object tau's compiled project object (config-format.md 10); empty on error
 * @param indexes the registry index map (config-format.md 11); empty on error
 * @param checks the deferred checks (config-format.md 9.1); empty on error
 */
public record CompileResult(
    ProjectConfig config,
    List<Problem> problems,
    Map<String, Object> object,
    Map<String, Object> indexes,
    List<Check> checks) {
  public CompileResult {
    problems = List.copyOf(problems);
    checks = List.copyOf(checks);
  }

  /** True when the commit compiled (warnings allowed). */
  public boolean ok() {
    return config != null;
  }

  public List<Problem> errors() {
    return problems.stream().filter(Problem::isError).toList();
  }

  public List<Problem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }
}
