package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tau domain claim|verify|list|release}: prove a custom domain before it serves. */
@Command(
    name = "domain",
    mixinStandardHelpOptions = true,
    description = {
      "Custom domains. A project's custom domain serves only after it is claimed and a TXT record"
          + " holding the claim's token is found at _jtau.<fqdn> (or <first 8 characters of the"
          + " project id>.<fqdn>). Generated domains (<label>.g.<cloud fqdn>) need no claim.",
      "With jtau.acme.enabled, a verified domain gets a certificate from the ACME CA; see tau"
          + " domain cert.",
    },
    subcommands = {
      DomainCommand.Claim.class,
      DomainCommand.Verify.class,
      DomainCommand.ListClaims.class,
      DomainCommand.Release.class,
      DomainCommand.Cert.class
    })
public class DomainCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options every subcommand takes. */
  static class Common {
    @Option(
        names = {"--project", "-p"},
        required = true,
        description = "The project that claims the name.")
    String project;

    @Mixin NodeOptions connection;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    String base() {
      return "/api/projects/" + URLEncoder.encode(project, StandardCharsets.UTF_8) + "/domains";
    }

    String path(String fqdn) {
      return base() + "/" + URLEncoder.encode(fqdn, StandardCharsets.UTF_8);
    }
  }

  /** {@code tau domain claim FQDN --project P}. */
  @Command(
      name = "claim",
      mixinStandardHelpOptions = true,
      description = "Claim FQDN for a project; prints the TXT record to create.")
  static class Claim implements Callable<Integer> {
    @Parameters(index = "0", description = "The domain name, e.g. www.example.com.")
    String fqdn;

    @picocli.CommandLine.Mixin Common common;

    @Override
    public Integer call() {
      try {
        JsonNode c = common.connection.client().post(common.path(fqdn) + "/claim");
        if (common.json) {
          System.out.println(NodeClient.pretty(c));
          return 0;
        }
        System.out.println(
            "claimed " + c.path("fqdn").asText() + " for project " + c.path("project").asText());
        System.out.println(
            "create this TXT record, then run: tau domain verify "
                + fqdn
                + " --project "
                + common.project);
        JsonNode names = c.path("txtNames");
        System.out.println(
            "  " + names.path(0).asText() + ".  TXT  \"" + c.path("token").asText() + "\"");
        for (int i = 1; i < names.size(); i++) {
          System.out.println("  (or at " + names.path(i).asText() + ")");
        }
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau domain claim: " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau domain verify FQDN --project P}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Check the TXT record of a claim now; exit 0 when verified, 1 when not.")
  static class Verify implements Callable<Integer> {
    @Parameters(index = "0", description = "The claimed domain name.")
    String fqdn;

    @picocli.CommandLine.Mixin Common common;

    @Override
    public Integer call() {
      try {
        JsonNode v = common.connection.client().post(common.path(fqdn) + "/verify");
        if (common.json) {
          System.out.println(NodeClient.pretty(v));
        } else {
          System.out.println(v.path("message").asText());
        }
        return v.path("verified").asBoolean() ? 0 : 1;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau domain verify: " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau domain list --project P}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a project's claims.")
  static class ListClaims implements Callable<Integer> {
    @picocli.CommandLine.Mixin Common common;

    @Override
    public Integer call() {
      try {
        JsonNode l = common.connection.client().get(common.base());
        if (common.json) {
          System.out.println(NodeClient.pretty(l));
          return 0;
        }
        for (JsonNode c : l) {
          System.out.printf(
              "%-40s %s%n",
              c.path("fqdn").asText(), c.path("verified").asBoolean() ? "verified" : "unverified");
        }
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau domain list: " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau domain release FQDN --project P}. */
  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description = "Drop a claim; the name stops serving for the project at once.")
  static class Release implements Callable<Integer> {
    @Parameters(index = "0", description = "The claimed domain name.")
    String fqdn;

    @picocli.CommandLine.Mixin Common common;

    @Override
    public Integer call() {
      try {
        common.connection.client().delete(common.path(fqdn));
        System.out.println("released " + fqdn);
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau domain release: " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau domain cert FQDN --project P [--request] [--challenge TYPE] [--renew]}. */
  @Command(
      name = "cert",
      mixinStandardHelpOptions = true,
      description = {
        "Show the ACME certificate of a verified domain: state (pending, issuing, valid,"
            + " renewal-due, renewal-failing, waiting, failed, not-eligible, acme-off), issuer, validity, the last error and"
            + " when the next attempt is due, and recent events.",
        "Exit 0 when a valid certificate is served, 1 otherwise.",
        "Example: tau domain cert www.example.com --project shop --request",
        "Example: tau domain cert www.example.com --project shop --challenge tls-alpn-01"
      })
  static class Cert implements Callable<Integer> {
    @Parameters(index = "0", description = "The domain name.")
    String fqdn;

    @Option(
        names = "--request",
        description =
            "Ask for a certificate now (clears the backoff); refused unless the name is verified"
                + " for the project.")
    boolean request;

    @Option(
        names = "--challenge",
        paramLabel = "TYPE",
        description =
            "Order now with this challenge type only: http-01 (port 80 of the gateway),"
                + " tls-alpn-01 (the HTTPS port) or dns-01 (a TXT record in the node's own DNS;"
                + " only for names under the cloud FQDN, refused for any other); implies"
                + " --request. Without it the node's preference applies (jtau.acme.challenges).")
    String challenge;

    @Option(
        names = "--renew",
        description =
            "Order a new certificate even though the current one is still valid (a suspected key"
                + " compromise); implies --request.")
    boolean renew;

    @picocli.CommandLine.Mixin Common common;

    @Override
    public Integer call() {
      try {
        NodeClient client = common.connection.client();
        String path = common.path(fqdn) + "/cert";
        String query = query(challenge, renew);
        boolean post = request || !query.isEmpty();
        String target = query.isEmpty() ? path : path + "?" + query;
        JsonNode c = post ? client.post(target) : client.get(path);
        return print(c, common.json);
      } catch (NodeClient.NodeException e) {
        System.err.println("tau domain cert: " + e.getMessage());
        return e.exitCode;
      }
    }

    /** Prints one certificate's state (as JSON or as lines); 0 when valid, else 1. */
    static int print(JsonNode c, boolean json) {
      if (json) {
        System.out.println(NodeClient.pretty(c));
      } else {
        System.out.printf("%-12s %s%n", "name", c.path("fqdn").asText());
        System.out.printf("%-12s %s%n", "state", c.path("state").asText());
        line("issuer", c.path("issuer"));
        line("challenge", c.path("challenge"));
        line("not before", c.path("notBefore"));
        line("not after", c.path("notAfter"));
        line("last error", c.path("lastError"));
        line("last try", c.path("lastAttempt"));
        line("next try", c.path("nextAttempt"));
        for (JsonNode e : c.path("events")) {
          System.out.println("  " + e.asText());
        }
      }
      return "valid".equals(c.path("state").asText()) ? 0 : 1;
    }

    private static void line(String label, JsonNode v) {
      if (!v.isMissingNode() && !v.isNull()) {
        System.out.printf("%-12s %s%n", label, v.asText());
      }
    }

    /** The query of an order request: {@code challenge=T&renew=true}, or empty. */
    static String query(String challenge, boolean renew) {
      java.util.List<String> query = new java.util.ArrayList<>();
      if (challenge != null) {
        query.add("challenge=" + URLEncoder.encode(challenge, StandardCharsets.UTF_8));
      }
      if (renew) {
        query.add("renew=true");
      }
      return String.join("&", query);
    }
  }
}
