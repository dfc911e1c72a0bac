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
 * {@code tau cert}: the node's ACME certificates across projects and its own names (operator
 * token).
 */
@Command(
    name = "cert",
    mixinStandardHelpOptions = true,
    description = {
      "The ACME certificates a node keeps or wants: verified project domains and the node's own"
          + " names (jtau.acme.node-names). Operator token.",
      "A project's domain alone: tau domain cert FQDN --project P."
    },
    subcommands = {CertCommand.ListCerts.class, CertCommand.Request.class})
public class CertCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code tau cert list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "One line per name: state, not after, challenge used, last error.",
        "Exit 0 when every wanted name has a valid certificate, 1 otherwise (for a monitoring"
            + " check); names no longer wanted (shown not-eligible) do not count.",
        "Example: tau cert list --node https://node1.example.com"
      })
  static class ListCerts implements Callable<Integer> {
    @Mixin NodeOptions connection;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try {
        JsonNode all = connection.client().get("/api/acme/certs");
        boolean allValid = true;
        if (json) {
          System.out.println(NodeClient.pretty(all));
        } else if (all.isEmpty()) {
          System.out.println("no certificates (ACME off, or no verified domain nor node name)");
        } else {
          System.out.printf(
              "%-40s %-16s %-22s %-12s %s%n",
              "NAME", "STATE", "NOT AFTER", "CHALLENGE", "LAST ERROR");
        }
        for (JsonNode c : all) {
          String state = c.path("state").asText();
          // A kept certificate of a name nobody wants any more does not fail the check.
          allValid &= state.equals("valid") || state.startsWith("not-eligible");
          if (!json) {
            System.out.printf(
                "%-40s %-16s %-22s %-12s %s%n",
                c.path("fqdn").asText(),
                c.path("state").asText(),
                c.path("notAfter").asText("-"),
                c.path("challenge").asText("-"),
                c.path("lastError").asText(""));
          }
        }
        return allValid ? 0 : 1;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau cert list: " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau cert request NAME [--challenge T] [--renew]}. */
  @Command(
      name = "request",
      mixinStandardHelpOptions = true,
      description = {
        "Ask for a certificate for NAME now (clears its backoff): a node name, the node's"
            + " wildcard for generated domains (*.g.<fqdn> with jtau.acme.wildcard-generated,"
            + " always dns-01) or any verified project domain; refused (409) for any other name"
            + " (400 for any other wildcard), and no order is sent.",
        "Exit 0 when a valid certificate is served, 1 otherwise (the order runs in the"
            + " background: run tau cert list to follow it).",
        "Example: tau cert request cloud.example.com --challenge tls-alpn-01"
      })
  static class Request implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The name.")
    String name;

    @Option(
        names = "--challenge",
        paramLabel = "TYPE",
        description =
            "Order with this challenge type only: http-01, tls-alpn-01 or dns-01 (only for names"
                + " under the cloud FQDN, refused for any other).")
    String challenge;

    @Option(names = "--renew", description = "Even while the current certificate is valid.")
    boolean renew;

    @Mixin NodeOptions connection;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try {
        String query = DomainCommand.Cert.query(challenge, renew);
        String path = "/api/acme/certs/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        JsonNode c = connection.client().post(query.isEmpty() ? path : path + "?" + query);
        return DomainCommand.Cert.print(c, json);
      } catch (NodeClient.NodeException e) {
        System.err.println("tau cert request: " + e.getMessage());
        return e.exitCode;
      }
    }
  }
}
