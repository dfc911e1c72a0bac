package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tau access PROJECT [--anonymous-read on|off]}: a project's access settings. */
@Command(
    name = "access",
    mixinStandardHelpOptions = true,
    description = {
      "Show or change a project's access settings. --anonymous-read on lets anyone clone the"
          + " project's repositories without a token (pushes always need one).",
      "Needs the operator token or a token with admin on the project."
    })
public class AccessCommand implements Callable<Integer> {

  @Mixin NodeOptions connection;

  @Parameters(index = "0", description = "The project.")
  String project;

  @Option(names = "--anonymous-read", description = "on or off.")
  String anonymousRead;

  @Option(names = "--json", description = "Print the node's JSON answer.")
  boolean json;

  @Override
  public Integer call() {
    try {
      JsonNode r;
      if (anonymousRead == null) {
        r = connection.client().get("/api/projects/" + project + "/access");
      } else if (anonymousRead.equals("on") || anonymousRead.equals("off")) {
        r =
            connection
                .client()
                .put(
                    "/api/projects/" + project + "/access",
                    Map.of("anonymousRead", anonymousRead.equals("on")));
      } else {
        System.err.println("tau access: --anonymous-read takes on or off, not " + anonymousRead);
        return 1;
      }
      if (json) {
        System.out.println(NodeClient.pretty(r));
        return 0;
      }
      System.out.println(
          project + ": anonymous read " + (r.path("anonymousRead").asBoolean() ? "on" : "off"));
      return 0;
    } catch (NodeClient.NodeException e) {
      System.err.println("tau access: " + e.getMessage());
      return e.exitCode;
    }
  }
}
