package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tau token create|list|revoke}: per-project tokens. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list and revoke project tokens. Scopes: read (status, logs, builds, clone),"
          + " push (git push), deploy (reconcile, domains), data (databases, storages, channels),"
          + " admin (the project's own tokens and access settings).",
      "Needs the operator token, or a token with admin on the project (then pass --project)."
    },
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
public class TokenCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** {@code tau token create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a token for a project; it is printed once and never again.")
  static class Create implements Callable<Integer> {
    @Mixin NodeOptions connection;

    @Option(names = "--project", required = true, description = "The project the token acts on.")
    String project;

    @Option(
        names = "--scope",
        required = true,
        description = "Comma-separated scopes: read, push, deploy, data, admin.")
    String scope;

    @Option(names = "--name", description = "A label shown in lists and the audit log.")
    String name;

    @Option(names = "--json", description = "Print JSON (includes the token).")
    boolean json;

    @Override
    public Integer call() {
      try {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scopes", Arrays.stream(scope.split(",")).map(String::strip).toList());
        body.put("name", name == null ? "" : name);
        JsonNode r = connection.client().post("/api/projects/" + project + "/tokens", body);
        if (json) {
          System.out.println(NodeClient.pretty(r));
          return 0;
        }
        System.out.println(r.path("token").asText());
        System.err.println(
            "created "
                + r.path("info").path("id").asText()
                + " for project "
                + project
                + " with "
                + scope
                + " (the token above is shown only once)");
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau token create: " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau token list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List tokens (never their values): of one project, or all (operator only).")
  static class ListTokens implements Callable<Integer> {
    @Mixin NodeOptions connection;

    @Option(names = "--project", description = "Only this project's tokens.")
    String project;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try {
        JsonNode list =
            connection
                .client()
                .get(project == null ? "/api/tokens" : "/api/projects/" + project + "/tokens");
        if (json) {
          System.out.println(NodeClient.pretty(list));
          return 0;
        }
        for (JsonNode t : list) {
          List<String> scopes = NodeClient.texts(t.path("scopes"));
          System.out.printf(
              "%-18s %-20s %-28s %-20s %s%n",
              t.path("id").asText(),
              t.path("project").asText(),
              String.join(",", scopes).toLowerCase(java.util.Locale.ROOT),
              t.path("name").asText().isEmpty() ? "-" : t.path("name").asText(),
              Instant.ofEpochMilli(t.path("createdAtMillis").asLong()));
        }
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau token list: " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau token revoke}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token by id; it stops working at once.")
  static class Revoke implements Callable<Integer> {
    @Mixin NodeOptions connection;

    @Parameters(index = "0", description = "The token id (tok_...), from tau token list.")
    String id;

    @Option(
        names = "--project",
        description = "The token's project (needed when you hold admin on it, not the operator).")
    String project;

    @Override
    public Integer call() {
      try {
        connection
            .client()
            .delete(
                project == null
                    ? "/api/tokens/" + id
                    : "/api/projects/" + project + "/tokens/" + id);
        System.out.println("revoked " + id);
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau token revoke: " + e.getMessage());
        return e.exitCode;
      }
    }
  }
}
