package io.jtau.app.cli;

import io.jtau.access.Tokens;
import io.jtau.app.NodeShape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tau config generate|validate|show}: a node's configuration file and keys. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Generate, validate and show a node's configuration (<root>/config/<shape>.yaml).",
    subcommands = {
      ConfigCommand.Generate.class,
      ConfigCommand.Validate.class,
      ConfigCommand.Show.class
    })
public class ConfigCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Options every config subcommand takes. */
  static class Where {
    @Option(
        names = "--root",
        description = "Node root folder (default: ${DEFAULT-VALUE}).",
        defaultValue = "${user.home}/.jtau/node")
    Path root;

    @Option(
        names = {"-s", "--shape"},
        description = "Shape (node configuration name).",
        required = true)
    String shape;
  }

  /** {@code tau config generate}. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = "Write <root>/config/<shape>.yaml and generate the node's keys.")
  static class Generate implements Callable<Integer> {
    @picocli.CommandLine.Mixin Where where;

    @Option(
        names = {"-n", "--network"},
        description = "The cloud's FQDN (default: ${DEFAULT-VALUE}).",
        defaultValue = "dream.localhost")
    String network;

    @Option(
        names = "--services",
        split = ",",
        description = "Services to run (default: all: ${DEFAULT-VALUE}).",
        defaultValue = "gateway,git,reconcile,build,store,dns,kv,pubsub")
    List<String> services;

    @Option(names = "--p2p-port", defaultValue = "7800", description = "Cluster port.")
    int p2pPort;

    @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port.")
    int httpPort;

    @Option(names = "--dns-port", defaultValue = "53", description = "DNS port.")
    int dnsPort;

    @Option(
        names = "--ip",
        defaultValue = "127.0.0.1",
        description = "Address to listen on and announce.")
    String ip;

    @Option(
        names = "--bootstrap",
        split = ",",
        description = "Peers to join (host:port).",
        defaultValue = "")
    List<String> bootstrap;

    @Option(names = "--branches", split = ",", defaultValue = "main,master")
    List<String> branches;

    @Option(names = "--swarm-key", description = "Use this swarm key file instead of a new one.")
    Path swarmKey;

    @Option(names = "--dv-keys", description = "Generate domain-validation keys (default: yes).")
    boolean dvKeys = true;

    @Option(names = "--force", description = "Overwrite an existing configuration.")
    boolean force;

    @Override
    public Integer call() throws IOException {
      Path file;
      try {
        file = NodeShape.file(where.root, where.shape);
      } catch (IllegalArgumentException e) {
        System.err.println("tau config generate: " + e.getMessage());
        return 1;
      }
      if (Files.exists(file) && !force) {
        System.err.println(
            "tau config generate: " + file + " exists (use --force to overwrite it)");
        return 1;
      }
      Path keys = where.root.resolve("keys");
      Files.createDirectories(keys);
      Files.createDirectories(file.getParent());
      Path swarm = keys.resolve("swarm.key");
      if (swarmKey != null) {
        Files.copy(swarmKey, swarm, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } else if (!Files.exists(swarm) || force) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        writeSecret(
            swarm, "/key/swarm/psk/1.0.0/\n/base16/\n" + HexFormat.of().formatHex(k) + "\n");
      }
      Path dvPrivate = keys.resolve("dv-private.pem");
      Path dvPublic = keys.resolve("dv-public.pem");
      if (dvKeys && (!Files.exists(dvPrivate) || force)) {
        try {
          KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"));
          KeyPair kp = g.generateKeyPair();
          writeSecret(dvPrivate, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
          Files.writeString(dvPublic, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
          System.err.println("tau config generate: cannot create keys: " + e.getMessage());
          return 1;
        }
      }
      Path operatorToken = keys.resolve("operator.token");
      if (!Files.exists(operatorToken) || force) {
        writeSecret(operatorToken, Tokens.generate(new SecureRandom()) + "\n");
      }
      NodeShape shape =
          new NodeShape(
              where.shape,
              services,
              network,
              ip,
              httpPort,
              dnsPort,
              p2pPort,
              bootstrap.stream().filter(s -> !s.isBlank()).toList(),
              branches,
              where.root.resolve("storage").resolve(where.shape).toString(),
              swarm.toString(),
              dvKeys ? dvPrivate.toString() : null,
              dvKeys ? dvPublic.toString() : null,
              operatorToken.toString());
      List<String> problems = shape.problems();
      if (!problems.isEmpty()) {
        problems.forEach(p -> System.err.println("tau config generate: " + p));
        return 1;
      }
      Files.writeString(file, shape.toYaml(), StandardCharsets.UTF_8);
      System.out.println("wrote " + file);
      System.out.println(
          "operator token in "
              + operatorToken
              + " (mode 0600); clients use it with TAU_TOKEN=$(cat "
              + operatorToken
              + ")");
      System.out.println("start it with: tau start -s " + where.shape + " --root " + where.root);
      return 0;
    }

    private static String pem(String type, byte[] der) {
      return "-----BEGIN "
          + type
          + "-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
          + "\n-----END "
          + type
          + "-----\n";
    }

    private static void writeSecret(Path p, String text) throws IOException {
      Files.deleteIfExists(p);
      Files.createFile(p);
      try {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system.
      }
      Files.writeString(p, text, StandardCharsets.UTF_8);
    }
  }

  /** {@code tau config validate}. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = "Check a node configuration; exits 1 and lists every problem if invalid.")
  static class Validate implements Callable<Integer> {
    @picocli.CommandLine.Mixin Where where;

    @Override
    public Integer call() {
      List<String> problems = check(where);
      if (problems.isEmpty()) {
        System.out.println(NodeShape.file(where.root, where.shape) + ": valid");
        return 0;
      }
      problems.forEach(System.err::println);
      return 1;
    }
  }

  static List<String> check(Where where) {
    List<String> out = new ArrayList<>();
    Path file;
    try {
      file = NodeShape.file(where.root, where.shape);
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
    if (!Files.isRegularFile(file)) {
      return List.of(file + ": not found (run tau config generate -s " + where.shape + ")");
    }
    try {
      NodeShape s = NodeShape.read(file);
      for (String p : s.problems()) {
        out.add(file + ": " + p);
      }
      for (String k :
          new String[] {s.swarmKeyFile(), s.dvPrivateKeyFile(), s.operatorTokenFile()}) {
        if (k != null && !Files.isRegularFile(Path.of(k))) {
          out.add(file + ": key file " + k + " is missing");
        }
      }
    } catch (IOException e) {
      out.add(e.getMessage());
    }
    return out;
  }

  /** {@code tau config show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print a node configuration (key material is never printed, only its path).")
  static class Show implements Callable<Integer> {
    @picocli.CommandLine.Mixin Where where;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try {
        NodeShape s = NodeShape.read(NodeShape.file(where.root, where.shape));
        if (json) {
          System.out.println(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(s));
        } else {
          System.out.print(s.toYaml());
        }
        return 0;
      } catch (IOException | IllegalArgumentException e) {
        System.err.println("tau config show: " + e.getMessage());
        return 1;
      }
    }
  }
}
