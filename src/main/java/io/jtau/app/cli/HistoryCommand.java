package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tau history PROJECT [--branch B]}: the revisions that became current, newest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "Show which revisions of a project branch went live, newest first.")
public class HistoryCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The project.")
  String project;

  @Option(names = "--branch", description = "Branch (default: the node's first branch).")
  String branch;

  @Option(names = "--limit", defaultValue = "20", description = "At most this many entries.")
  int limit;

  @Mixin NodeOptions connection;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try {
      NodeClient c = connection.client();
      String q = "?limit=" + limit + (branch == null ? "" : "&branch=" + branch);
      JsonNode list = c.get("/api/projects/" + project + "/history" + q);
      if (json) {
        System.out.println(NodeClient.pretty(list));
        return 0;
      }
      for (JsonNode h : list) {
        String config = h.path("configCommit").asText();
        String code = h.path("codeCommit").asText();
        System.out.printf(
            "#%-5d %s  config %s  code %s%n",
            h.path("sequence").asLong(),
            Instant.ofEpochMilli(h.path("atMillis").asLong()),
            config.length() > 12 ? config.substring(0, 12) : config,
            code.isEmpty() ? "-" : code.length() > 12 ? code.substring(0, 12) : code);
      }
      return 0;
    } catch (NodeClient.NodeException e) {
      System.err.println("tau history: " + e.getMessage());
      return e.exitCode;
    }
  }
}
