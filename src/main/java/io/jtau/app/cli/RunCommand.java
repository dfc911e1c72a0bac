package io.jtau.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tau run}: runs something locally without a node. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run a resource locally, without a node.",
    subcommands = {RunFunctionCommand.class})
public class RunCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
