package io.jtau.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A node's configuration file, {@code <root>/config/<shape>.yaml}, as written by {@code tau config
 * generate} and read by {@code tau start}. Key material lives in separate files under {@code
 * <root>/keys/} (mode 0600) and is referenced by path, so the shape file can be shown and shared;
 * that includes the operator token ({@code keys.operator-token}).
 */
public record NodeShape(
    String shape,
    List<String> services,
    String networkFqdn,
    String ip,
    int httpPort,
    int dnsPort,
    int p2pPort,
    List<String> bootstrap,
    List<String> branches,
    String dataDir,
    String swarmKeyFile,
    String dvPrivateKeyFile,
    String dvPublicKeyFile,
    String operatorTokenFile) {

  /** Every service a node can run. */
  public static final List<String> ALL_SERVICES =
      List.of("gateway", "git", "reconcile", "build", "store", "dns", "kv", "pubsub");

  private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern FQDN =
      Pattern.compile(
          "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  /** The file of a shape under a root folder. */
  public static Path file(Path root, String shape) {
    requireShape(shape);
    return root.resolve("config").resolve(shape + ".yaml");
  }

  static void requireShape(String shape) {
    if (shape == null || !SHAPE.matcher(shape).matches()) {
      throw new IllegalArgumentException(
          "invalid shape name '" + shape + "': use lower-case letters, digits, '-' and '_'");
    }
  }

  /** Every problem with this configuration, empty when it is usable. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (!SHAPE.matcher(shape == null ? "" : shape).matches()) {
      out.add("shape: '" + shape + "' is not a valid name");
    }
    if (services == null || services.isEmpty()) {
      out.add("services: at least one service is required");
    } else {
      for (String s : services) {
        if (!ALL_SERVICES.contains(s)) {
          out.add("services: unknown service '" + s + "' (known: " + ALL_SERVICES + ")");
        }
      }
    }
    if (networkFqdn == null || !FQDN.matcher(networkFqdn).matches()) {
      out.add("network-fqdn: '" + networkFqdn + "' is not a lower-case domain name");
    }
    try {
      if (ip == null || ip.isBlank()) {
        out.add("ip: required");
      } else {
        java.net.InetAddress.getByName(ip);
        if (!ip.matches("[0-9a-fA-F:.]+")) {
          out.add("ip: '" + ip + "' is not an IP address");
        }
      }
    } catch (java.net.UnknownHostException e) {
      out.add("ip: '" + ip + "' is not an IP address");
    }
    checkPort(out, "ports.http", httpPort);
    checkPort(out, "ports.dns", dnsPort);
    checkPort(out, "ports.p2p", p2pPort);
    if (branches == null || branches.isEmpty()) {
      out.add("branches: at least one branch is required");
    }
    for (String b : bootstrap == null ? List.<String>of() : bootstrap) {
      if (!b.matches("[0-9a-zA-Z.:\\[\\]-]+:[0-9]{1,5}")) {
        out.add("bootstrap: '" + b + "' is not host:port");
      }
    }
    return out;
  }

  private static void checkPort(List<String> out, String field, int port) {
    if (port < 0 || port > 65535) {
      out.add(field + ": " + port + " is not a port number (0-65535)");
    }
  }

  /** The YAML text of this configuration. */
  public String toYaml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("shape", shape);
    m.put("services", services);
    m.put("network-fqdn", networkFqdn);
    m.put("ip", ip);
    Map<String, Object> ports = new LinkedHashMap<>();
    ports.put("http", httpPort);
    ports.put("dns", dnsPort);
    ports.put("p2p", p2pPort);
    m.put("ports", ports);
    m.put("bootstrap", bootstrap);
    m.put("branches", branches);
    m.put("data-dir", dataDir);
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("swarm", swarmKeyFile);
    keys.put("domain-validation-private", dvPrivateKeyFile);
    keys.put("domain-validation-public", dvPublicKeyFile);
    keys.put("operator-token", operatorTokenFile);
    m.put("keys", keys);
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return "# jtau node configuration (tau config generate)\n" + new Yaml(o).dump(m);
  }

  /** Reads a shape file; every problem is reported with the file name. */
  public static NodeShape read(Path file) throws IOException {
    if (Files.size(file) > 1 << 20) {
      throw new IOException(file + ": over 1 MiB");
    }
    LoaderOptions lo = new LoaderOptions();
    lo.setAllowDuplicateKeys(false);
    lo.setMaxAliasesForCollections(10);
    lo.setNestingDepthLimit(20);
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(lo)).load(Files.readString(file, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IOException(file + ": " + e.getMessage().strip(), e);
    }
    if (!(doc instanceof Map<?, ?> m)) {
      throw new IOException(file + ": expected a map at the top level");
    }
    Map<?, ?> ports = m.get("ports") instanceof Map<?, ?> p ? p : Map.of();
    Map<?, ?> keys = m.get("keys") instanceof Map<?, ?> k ? k : Map.of();
    try {
      return new NodeShape(
          str(m.get("shape")),
          strings(m.get("services")),
          str(m.get("network-fqdn")),
          str(m.get("ip")),
          integer(ports.get("http"), 8080),
          integer(ports.get("dns"), 53),
          integer(ports.get("p2p"), 7800),
          strings(m.get("bootstrap")),
          strings(m.get("branches")),
          str(m.get("data-dir")),
          str(keys.get("swarm")),
          str(keys.get("domain-validation-private")),
          str(keys.get("domain-validation-public")),
          str(keys.get("operator-token")));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static int integer(Object o, int dflt) {
    if (o == null) {
      return dflt;
    }
    if (o instanceof Integer i) {
      return i;
    }
    throw new IllegalArgumentException("port '" + o + "' is not a number");
  }

  private static List<String> strings(Object o) {
    if (o == null) {
      return List.of();
    }
    if (o instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    throw new IllegalArgumentException("expected a list, got '" + o + "'");
  }
}
