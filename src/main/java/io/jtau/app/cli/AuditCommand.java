package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tau audit}: who pushed, deployed, rolled back, read data or changed tokens. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Show the node's audit log, oldest first: pushes, deploys, rollbacks, data reads and"
          + " writes, token and access changes. Needs the operator token."
    })
public class AuditCommand implements Callable<Integer> {

  @Mixin NodeOptions connection;

  @Option(names = "--project", description = "Only this project's entries.")
  String project;

  @Option(names = "--limit", defaultValue = "100", description = "At most this many (newest).")
  int limit;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try {
      String q = "?limit=" + limit + (project == null ? "" : "&project=" + project);
      JsonNode list = connection.client().get("/api/audit" + q);
      if (json) {
        System.out.println(NodeClient.pretty(list));
        return 0;
      }
      for (JsonNode e : list) {
        System.out.printf(
            "#%-6d %s  %-28s %-14s %-16s %s%n",
            e.path("sequence").asLong(),
            Instant.ofEpochMilli(e.path("atMillis").asLong()),
            e.path("actor").asText(),
            e.path("action").asText(),
            e.path("project").asText().isEmpty() ? "-" : e.path("project").asText(),
            e.path("detail").asText());
      }
      return 0;
    } catch (NodeClient.NodeException e) {
      System.err.println("tau audit: " + e.getMessage());
      return e.exitCode;
    }
  }
}
