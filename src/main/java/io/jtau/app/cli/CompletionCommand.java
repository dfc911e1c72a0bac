package io.jtau.app.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code tau completion}: prints a bash/zsh completion script for every tau command. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a bash (and zsh) completion script.",
      "Use: source <(tau completion)   or   tau completion > /etc/bash_completion.d/tau"
    })
public class CompletionCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.out.print(AutoComplete.bash("tau", TauCommand.commandLine()));
    return 0;
  }
}
