package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tau db put|get|list|delete --project P DB KEY [VALUE]}: a project's key/value databases
 * through a running node's HTTP API. Plain Java, no Quarkus boot.
 */
@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    description = {
      "Read and write a project's key/value databases on a running node.",
      "  tau db put --project P DB KEY VALUE   store VALUE (or stdin with -) under KEY",
      "  tau db get --project P DB KEY         print the value of KEY",
      "  tau db list --project P DB [PREFIX]   list keys starting with PREFIX",
      "  tau db delete --project P DB KEY      remove KEY",
      "DB is the name a function would open; it must match one of the project's databases."
    })
public class DbCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "put, get, list or delete.")
  String action;

  @Parameters(index = "1", description = "Database name.")
  String database;

  @Parameters(index = "2", arity = "0..1", description = "Key (list: prefix).")
  String key;

  @Parameters(index = "3", arity = "0..1", description = "Value to put; - reads stdin.")
  String value;

  @Option(
      names = {"--project", "-p"},
      required = true,
      description = "Project name.")
  String project;

  @Option(names = "--application", description = "Look from this application's scope.")
  String application;

  @Option(names = "--branch", description = "Branch (default: the node's first).")
  String branch;

  @Mixin NodeOptions connection;

  @Option(names = "--json", description = "list: print the node's JSON answer ({\"keys\": [...]}).")
  boolean json;

  @Override
  public Integer call() {
    try {
      String base = "/api/projects/" + enc(project) + "/databases/" + enc(database) + "/keys";
      String query = query();
      switch (action) {
        case "put" -> {
          requireKey();
          if (value == null) {
            return usage("put needs a VALUE (or - for stdin)");
          }
          byte[] v =
              value.equals("-") ? System.in.readAllBytes() : value.getBytes(StandardCharsets.UTF_8);
          connection.client().raw("PUT", base + "/" + enc(key) + query, v);
          return 0;
        }
        case "get" -> {
          requireKey();
          byte[] v = connection.client().raw("GET", base + "/" + enc(key) + query, null);
          System.out.write(v);
          System.out.flush();
          return 0;
        }
        case "delete" -> {
          requireKey();
          connection.client().raw("DELETE", base + "/" + enc(key) + query, null);
          return 0;
        }
        case "list" -> {
          String q = "?prefix=" + enc(key == null ? "" : key) + query.replace('?', '&');
          JsonNode r = connection.client().get(base + q);
          if (json) {
            System.out.println(NodeClient.pretty(r));
            return 0;
          }
          for (JsonNode k : r.path("keys")) {
            System.out.println(k.asText());
          }
          return 0;
        }
        default -> {
          return usage("unknown action " + action + " (put, get, list or delete)");
        }
      }
    } catch (NodeClient.NodeException e) {
      System.err.println("tau db: " + e.getMessage());
      return e.exitCode;
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    } catch (java.io.IOException e) {
      System.err.println("tau db: cannot read stdin: " + e.getMessage());
      return 1;
    }
  }

  private void requireKey() {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException(action + " needs a KEY");
    }
  }

  private String query() {
    StringBuilder q = new StringBuilder();
    if (branch != null) {
      q.append(q.length() == 0 ? '?' : '&').append("branch=").append(enc(branch));
    }
    if (application != null) {
      q.append(q.length() == 0 ? '?' : '&').append("application=").append(enc(application));
    }
    return q.toString();
  }

  private static int usage(String message) {
    System.err.println("tau db: " + message);
    return 64;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
