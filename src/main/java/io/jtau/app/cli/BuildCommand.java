package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tau build cancel|retry JOB}: acts on one build job. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Act on a build job: cancel a queued or running one, or retry an ended one.",
      "Example: tau build retry b-7k2mq9xw4r"
    },
    subcommands = {BuildCommand.Cancel.class, BuildCommand.Retry.class})
public class BuildCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  abstract static class Action implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB", description = "The job id (see tau builds).")
    String job;

    @Mixin NodeOptions connection;

    abstract String verb();

    @Override
    public Integer call() {
      try {
        JsonNode j = connection.client().post("/api/builds/" + job + "/" + verb());
        System.out.println(
            j.path("id").asText()
                + " "
                + j.path("state").asText()
                + " (attempt "
                + j.path("attempts").asInt()
                + ")");
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau build " + verb() + ": " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau build cancel JOB}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel a queued or running build job (its processes are killed).")
  public static class Cancel extends Action {
    @Override
    String verb() {
      return "cancel";
    }
  }

  /** {@code tau build retry JOB}. */
  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description =
          "Run an ended build job again (a new attempt with a new log); a success is picked up"
              + " by the project's next reconcile, which is requested at once.")
  public static class Retry extends Action {
    @Override
    String verb() {
      return "retry";
    }
  }
}
