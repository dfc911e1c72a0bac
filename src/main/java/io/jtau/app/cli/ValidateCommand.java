package io.jtau.app.cli;

import io.jtau.schema.Validator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tau validate [DIR] [--json]}: compiles a config repository folder and prints its problems.
 * Exit code 0 when it compiles (warnings allowed), 1 otherwise. Runs as plain Java.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check a config repository folder: every problem with file:line:column.")
public class ValidateCommand implements Callable<Integer> {

  @Parameters(index = "0", defaultValue = ".", description = "Repository folder (default: .)")
  Path dir;

  @Option(names = "--json", description = "Print one JSON document (problems and resource counts).")
  boolean json;

  @Override
  public Integer call() {
    return Validator.run(dir, System.out, System.err, json);
  }
}
