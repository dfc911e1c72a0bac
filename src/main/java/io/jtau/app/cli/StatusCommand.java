package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tau status [PROJECT]}: what each project branch serves and its conditions; with a project,
 * also one line per resource it owns. Exit code 3 when a branch is not Ready.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the projects of a node: current revision, conditions and URLs.",
      "With PROJECT, also every resource it owns and whether it is Ready.",
      "Exit code 0 when every branch shown is Ready, 3 otherwise."
    })
public class StatusCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", description = "Only this project.")
  String project;

  @Mixin NodeOptions connection;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try {
      NodeClient c = connection.client();
      JsonNode list = c.get(project == null ? "/api/projects" : "/api/projects/" + project);
      if (json) {
        System.out.println(NodeClient.pretty(list));
        return 0;
      }
      boolean allReady = true;
      for (JsonNode p : list) {
        String ready = "Unknown";
        String message = "";
        for (JsonNode cond : p.path("conditions")) {
          if (cond.path("type").asText().equals("Ready")) {
            ready = cond.path("status").asBoolean() ? "Ready" : cond.path("reason").asText();
            message = cond.path("message").asText();
          }
        }
        allReady &= ready.equals("Ready");
        System.out.printf(
            "%-20s %-10s %-14s %s%n",
            p.path("project").asText(),
            p.path("branch").asText(),
            ready,
            p.path("revision").isNull() ? "-" : p.path("revision").asText());
        if (!ready.equals("Ready") && !message.isEmpty()) {
          for (String line : message.split("\n")) {
            System.out.println("    " + line);
          }
        }
        for (JsonNode u : p.path("urls")) {
          System.out.println("    " + u.asText());
        }
        for (JsonNode r : p.path("resources")) {
          JsonNode rc = r.path("conditions").path(0);
          boolean ok = rc.path("status").asBoolean();
          System.out.printf(
              "    %-9s %-40s %s%n",
              r.path("kind").asText(),
              r.path("name").asText(),
              ok
                  ? "Ready"
                  : rc.path("reason").asText() + ": " + firstLine(rc.path("message").asText()));
        }
      }
      return allReady ? 0 : 3;
    } catch (NodeClient.NodeException e) {
      System.err.println("tau status: " + e.getMessage());
      return e.exitCode;
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
