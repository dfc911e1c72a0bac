package io.jtau.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tau} command line. Local commands run as plain Java (no Quarkus boot, no port); {@code
 * dream} and {@code start} boot the node.
 */
@Command(
    name = "tau",
    mixinStandardHelpOptions = true,
    version = "jtau 0.1.0",
    description = "jtau: a cloud where Git is the only interface to infrastructure.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DreamCommand.class,
      StartCommand.class,
      ConfigCommand.class,
      CompletionCommand.class,
      StatusCommand.class,
      HistoryCommand.class,
      ValidateCommand.class,
      StoreCommand.class,
      RunCommand.class,
      TokenCommand.class,
      AccessCommand.class,
      AuditCommand.class,
      BuildsCommand.class,
      BuildCommand.class,
      LogsCommand.class,
      DbCommand.class,
      ProjectCommand.class,
      DomainCommand.class,
      CertCommand.class
    })
public class TauCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Builds the command line with every subcommand registered. */
  public static CommandLine commandLine() {
    return new CommandLine(new TauCommand());
  }
}
