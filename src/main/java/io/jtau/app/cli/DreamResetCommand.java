package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tau dream reset}: asks the running dream to put its samples back to their seeded state
 * (data wiped) and waits (bounded) until they serve again. A client command: plain Java, no port.
 */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = {
      "Put the running dream's sample projects back to their seeded state, their data"
          + " wiped, without a restart:"
          + " each sample repository's branch is forced back to the seed commit (other branches"
          + " are deleted) and the project is re-applied; the seeded revision was built before,"
          + " so nothing is rebuilt.",
      "The samples' data is deleted too, as `tau dream --fresh` would have it: their key/value"
          + " databases, globals, object storages (objects and versions; gc reclaims the content)"
          + ", pub/sub subscriptions with buffered messages, and pins of content their"
          + " functions pushed by CID.",
      "Kept as they are, code and data: projects that are not default samples (your own and"
          + " injected samples).",
      "Waits until the samples serve again (--no-wait: return at once).",
      "Exit codes: 0 done, 1 refused or not ready in time, 2 no dream reachable.",
      "Example: tau dream reset"
    })
public class DreamResetCommand implements Callable<Integer> {

  @Mixin NodeOptions connection;

  @Option(
      names = "--json",
      description =
          "Print one JSON document: the reset answer (reset, kept, wiped) and, unless --no-wait,"
              + " the dream status once ready (status).")
  boolean json;

  @Option(names = "--no-wait", description = "Return once the reset is started.")
  boolean noWait;

  @Option(
      names = "--timeout",
      description = "Seconds to wait for the samples (default: ${DEFAULT-VALUE}).",
      defaultValue = "120")
  int timeoutSeconds;

  @Override
  public Integer call() {
    try {
      NodeClient c = connection.client();
      JsonNode r = c.post("/api/dream/reset");
      if (json && noWait) {
        System.out.println(NodeClient.pretty(r));
      } else if (!json) {
        System.out.println("reset: " + list(r.path("reset")));
        r.path("wiped")
            .fields()
            .forEachRemaining(
                e ->
                    System.out.println(
                        "  "
                            + e.getKey()
                            + ": data wiped ("
                            + e.getValue().path("databases").asInt()
                            + " databases, "
                            + e.getValue().path("storages").asInt()
                            + " storages, "
                            + e.getValue().path("subscriptions").asInt()
                            + " subscriptions, "
                            + e.getValue().path("contentPins").asInt()
                            + " content pins)"));
        if (r.path("kept").size() > 0) {
          System.out.println("kept as they are: " + list(r.path("kept")));
        }
      }
      if (noWait) {
        return 0;
      }
      long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
      JsonNode status = c.get("/api/dream");
      while (!status.path("ready").asBoolean() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 1;
        }
        status = c.get("/api/dream");
      }
      if (json) {
        com.fasterxml.jackson.databind.node.ObjectNode doc =
            ((com.fasterxml.jackson.databind.node.ObjectNode) r.deepCopy());
        doc.set("status", status);
        System.out.println(NodeClient.pretty(doc));
      }
      if (!status.path("ready").asBoolean()) {
        System.err.println(
            "tau dream reset: the samples did not serve again within " + timeoutSeconds + " s");
        return 1;
      }
      if (!json) {
        status
            .path("sampleStates")
            .fields()
            .forEachRemaining(
                e -> System.out.println("  " + e.getKey() + ": " + e.getValue().asText()));
      }
      return 0;
    } catch (NodeClient.NodeException e) {
      System.err.println("tau dream reset: " + e.getMessage());
      return e.exitCode;
    }
  }

  private static String list(JsonNode names) {
    StringBuilder b = new StringBuilder();
    names.forEach(n -> b.append(b.length() == 0 ? "" : ", ").append(n.asText()));
    return b.length() == 0 ? "nothing" : b.toString();
  }
}
