package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tau project add|list|remove}: projects whose repositories live on remote Git hosts. */
@Command(
    name = "project",
    mixinStandardHelpOptions = true,
    description = "Register, list and remove projects whose repositories live on a Git host.",
    subcommands = {
      ProjectCommand.Add.class,
      ProjectCommand.ListProjects.class,
      ProjectCommand.Remove.class
    })
public class ProjectCommand implements Runnable {

  static final String API = "/api/project-admin/projects";
  private static final ObjectMapper JSON = new ObjectMapper();

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code tau project add}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Register a project from a Git host. Prints each repository's webhook URL and secret ONCE:",
        "paste them into the host (GitHub: Settings > Webhooks, content type application/json).",
        "With --provider github and a token, the webhook (and, for ssh URLs, a read-only deploy key)",
        "is created through GitHub's API. The token or key is stored encrypted and never printed.",
        "Example: tau project add shop --config https://github.com/acme/shop-config.git \\",
        "           --code https://github.com/acme/shop-code.git --provider github --token-file ~/.gh"
      })
  static class Add implements Callable<Integer> {
    @Parameters(index = "0", description = "Project name on this node.")
    String name;

    @Option(
        names = "--config",
        required = true,
        description = "Config repository URL (https or ssh).")
    String config;

    @Option(names = "--code", description = "Code repository URL.")
    String code;

    @Option(
        names = "--branch",
        description = "Remote branch to deploy (default: the node's tuned branches).")
    String branch;

    @ArgGroup(exclusive = true)
    Secret secret;

    static class Secret {
      @Option(names = "--token-file", description = "File holding an access token (HTTPS).")
      Path tokenFile;

      @Option(names = "--deploy-key", description = "File holding an OpenSSH private key (SSH).")
      Path deployKey;
    }

    @Option(
        names = "--provider",
        defaultValue = "generic",
        description =
            "Webhook dialect: github, gitea, gitlab or generic (default ${DEFAULT-VALUE}).")
    String provider;

    @Option(names = "--api-url", description = "The host's REST API base for commit statuses.")
    String apiUrl;

    @Option(names = "--website", description = "A website repository: OWNER/NAME=URL (repeatable).")
    List<String> websites = new ArrayList<>();

    @Option(names = "--library", description = "A library repository: OWNER/NAME=URL (repeatable).")
    List<String> libraries = new ArrayList<>();

    @Option(
        names = "--allowed-signer",
        description = {
          "File with an armored OpenPGP public key or an OpenSSH public key line (ssh-ed25519,",
          "ecdsa-sha2-*, ssh-rsa; e.g. ~/.ssh/id_ed25519.pub); only commits signed by one of these",
          "keys (git commit -S, with gpg.format=ssh for SSH keys) are deployed (repeatable)."
        })
    List<Path> signers = new ArrayList<>();

    @Option(
        names = "--ssh-host-key",
        description = {
          "For ssh:// URLs (required with them): the server's host key, as a SHA256: fingerprint",
          "(ssh-keyscan HOST | ssh-keygen -lf -) or a public key line; or first-use to pin the",
          "first key seen. Any other host key is refused (repeatable)."
        })
    List<String> sshHostKeys = new ArrayList<>();

    @Mixin NodeOptions connection;

    @Override
    public Integer call() {
      ObjectNode body = JSON.createObjectNode();
      body.put("name", name);
      body.put("config", config);
      if (code != null) {
        body.put("code", code);
      }
      if (branch != null) {
        body.put("branch", branch);
      }
      body.put("provider", provider);
      if (apiUrl != null) {
        body.put("apiUrl", apiUrl);
      }
      try {
        if (secret != null && secret.tokenFile != null) {
          body.put("token", read(secret.tokenFile, "token file").strip());
        }
        if (secret != null && secret.deployKey != null) {
          body.put("deployKey", read(secret.deployKey, "deploy key"));
        }
        ArrayNode repos = body.putArray("repos");
        for (String w : websites) {
          repos.add(extra("website", w));
        }
        for (String l : libraries) {
          repos.add(extra("library", l));
        }
        ArrayNode keys = body.putArray("allowedSigners");
        for (Path p : signers) {
          keys.add(read(p, "allowed signer"));
        }
        ArrayNode hostKeys = body.putArray("sshHostKeys");
        sshHostKeys.forEach(hostKeys::add);
      } catch (IllegalArgumentException e) {
        System.err.println("tau project add: " + e.getMessage());
        return 1;
      }
      try {
        JsonNode r = connection.client().post(API, body);
        System.out.println("registered " + r.path("name").asText());
        for (JsonNode n : r.path("notes")) {
          System.out.println("  " + n.asText());
        }
        System.out.println("Webhooks (the secrets are shown only now):");
        for (JsonNode h : r.path("hooks")) {
          System.out.printf(
              "  %-10s %s%n    url:    %s%n    secret: %s%s%n",
              h.path("repo").asText(),
              h.path("fullname").asText(),
              h.path("url").asText(),
              h.path("secret").asText(),
              h.path("createdOnHost").asBoolean() ? "   (already set on the host)" : "");
        }
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau project add: " + e.getMessage());
        return e.exitCode;
      }
    }

    private static ObjectNode extra(String role, String spec) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException(
            "--" + role + " '" + spec + "': expected OWNER/NAME=URL");
      }
      ObjectNode n = JSON.createObjectNode();
      n.put("role", role);
      n.put("fullname", spec.substring(0, eq));
      n.put("url", spec.substring(eq + 1));
      return n;
    }

    private static String read(Path p, String what) {
      try {
        if (Files.size(p) > 64 * 1024) {
          throw new IllegalArgumentException(what + " " + p + " is larger than 64 KiB");
        }
        return Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + what + " " + p);
      }
    }
  }

  /** {@code tau project list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List registered projects.")
  static class ListProjects implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Mixin NodeOptions connection;

    @Override
    public Integer call() {
      try {
        JsonNode list = connection.client().get(API);
        if (json) {
          System.out.println(NodeClient.pretty(list));
          return 0;
        }
        for (JsonNode p : list) {
          System.out.printf(
              "%s%s%s%n",
              p.path("name").asText(),
              p.path("branch").isNull() ? "" : "  branch " + p.path("branch").asText(),
              p.path("signaturePolicy").asBoolean() ? "  (signed commits only)" : "");
          for (JsonNode r : p.path("repos")) {
            System.out.printf(
                "  %-8s %-30s %s  [%s, %s]%n    hook %s%n",
                r.path("role").asText(),
                r.path("fullname").asText(),
                r.path("url").asText(),
                r.path("provider").asText(),
                r.path("credential").asText(),
                r.path("hookUrl").asText());
            r.path("heads")
                .fields()
                .forEachRemaining(
                    e -> System.out.printf("    %s @ %s%n", e.getKey(), e.getValue().asText()));
          }
        }
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau project list: " + e.getMessage());
        return e.exitCode;
      }
    }
  }

  /** {@code tau project remove}. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Forget a registered project and delete its mirrors. The webhooks and deploy keys that",
        "'project add' created on GitHub are deleted too; any that cannot be deleted is reported",
        "as a warning (delete it on the host by hand) and the local removal still completes.",
        "Example: tau project remove shop"
      })
  static class Remove implements Callable<Integer> {
    @Parameters(index = "0", description = "Project name.")
    String name;

    @Mixin NodeOptions connection;

    @Override
    public Integer call() {
      try {
        JsonNode r = connection.client().delete(API + "/" + name);
        System.out.println("removed " + name);
        for (JsonNode h : r.path("host")) {
          System.out.println("  " + h.asText());
        }
        for (JsonNode w : r.path("warnings")) {
          System.err.println("  warning: " + w.asText());
        }
        return 0;
      } catch (NodeClient.NodeException e) {
        System.err.println("tau project remove: " + e.getMessage());
        return e.exitCode;
      }
    }
  }
}
