package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tau builds [--project P] [--json]}: the build jobs of a node, newest first. */
@Command(
    name = "builds",
    mixinStandardHelpOptions = true,
    description = {
      "List build jobs, newest first: id, state, attempts, project, resource, duration, message.",
      "States: queued, running, succeeded, failed, cancelled, timed out.",
      "Example: tau builds --project hello"
    })
public class BuildsCommand implements Callable<Integer> {

  @Option(names = "--project", description = "Only this project's jobs.")
  String project;

  @Mixin NodeOptions connection;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try {
      NodeClient c = connection.client();
      JsonNode list =
          c.get(
              "/api/builds"
                  + (project == null
                      ? ""
                      : "?project=" + URLEncoder.encode(project, StandardCharsets.UTF_8)));
      if (json) {
        System.out.println(NodeClient.pretty(list));
        return 0;
      }
      System.out.printf(
          "%-13s %-10s %-3s %-16s %-16s %8s  %s%n",
          "JOB", "STATE", "TRY", "PROJECT", "RESOURCE", "TIME", "MESSAGE");
      for (JsonNode j : list) {
        String message = j.path("message").asText("");
        int nl = message.indexOf('\n');
        if (nl >= 0) {
          message = message.substring(0, nl) + " ...";
        }
        if (message.length() > 100) {
          message = message.substring(0, 97) + "...";
        }
        System.out.printf(
            "%-13s %-10s %-3d %-16s %-16s %8s  %s%n",
            j.path("id").asText(),
            j.path("state").asText(),
            j.path("attempts").asInt(),
            j.path("project").asText(),
            j.path("kind").asText() + "/" + j.path("resource").asText(),
            j.path("durationMs").isNumber()
                ? String.format("%.1fs", j.path("durationMs").asLong() / 1000.0)
                : "-",
            message);
      }
      return 0;
    } catch (NodeClient.NodeException e) {
      System.err.println("tau builds: " + e.getMessage());
      return e.exitCode;
    }
  }
}
