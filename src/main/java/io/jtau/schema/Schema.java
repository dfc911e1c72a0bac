package io.jtau.schema;

import io.jtau.model.ResourceKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The declarative field tables of config-format.md sections 3 to 6: for every kind, the YAML paths
 * in tau's evaluation order with type, requiredness, default, format and compatibility alias. The
 * compiler reads documents through these tables and {@link SchemaExport} writes the JSON Schemas
 * from them, so the two cannot disagree. Immutable constants; thread-safe.
 */
final class Schema {

  private Schema() {}

  /** How a YAML value is read (section 2.1). Durations and sizes are strings converted later. */
  enum Type {
    STRING,
    BOOL,
    LIST,
    DURATION,
    SIZE
  }

  /** The single validator of a field (sections 2.3-2.7). */
  enum Format {
    NONE,
    CID,
    VARIABLE_NAME,
    EMAIL,
    FQDN,
    HTTP_METHOD,
    ENUM,
    SOURCE
  }

  /** When a field is required (section 2.2). */
  sealed interface Req permits Always, Never, When, Unless, WhenKey {}

  record Always() implements Req {}

  record Never() implements Req {}

  /** Required when the string at {@code path} (or {@code alias}) is one of {@code values}. */
  record When(String path, String alias, Set<String> values) implements Req {}

  /** Required unless the bool at {@code path} (or {@code alias}) is true. */
  record Unless(String path, String alias) implements Req {}

  /** Required when the map key {@code key} is present (storage object/streaming size). */
  record WhenKey(String key) implements Req {}

  static final Req ALWAYS = new Always();
  static final Req NEVER = new Never();

  /**
   * One attribute. {@code path} and {@code alias} are dotted YAML paths; messages use the
   * slash-joined canonical path as tau does.
   */
  record Field(
      String path,
      String alias,
      Type type,
      Format format,
      List<String> values,
      String dflt,
      Req req,
      String description) {

    String slashPath() {
      return path.replace('.', '/');
    }

    boolean required() {
      return req instanceof Always;
    }
  }

  private static Field f(String path, Type type, Req req, String description) {
    return new Field(path, null, type, Format.NONE, List.of(), null, req, description);
  }

  private static Field f(String path, String alias, Type type, Req req, String description) {
    return new Field(path, alias, type, Format.NONE, List.of(), null, req, description);
  }

  private static Field fmt(String path, Format format, Req req, String description) {
    return new Field(path, null, Type.STRING, format, List.of(), null, req, description);
  }

  private static Field enumeration(
      String path, List<String> values, String dflt, Req req, String description) {
    return new Field(path, null, Type.STRING, Format.ENUM, values, dflt, req, description);
  }

  static final List<Field> IDENTITY =
      List.of(
          fmt("id", Format.CID, ALWAYS, "Stable id of the resource (a CID, e.g. Qm...)."),
          fmt(
              "name",
              Format.VARIABLE_NAME,
              NEVER,
              "Optional; checked against ^[a-zA-Z_][a-zA-Z0-9_]*$ and then replaced by the file"
                  + " stem."),
          f("description", Type.STRING, NEVER, "Free text."),
          f("tags", Type.LIST, NEVER, "Free labels; smartops:<name> attaches a smartop."));

  private static final Set<String> HTTP = Set.of("http", "https");

  private static final List<Field> CODE =
      List.of(
          fmt(
              "source",
              Format.SOURCE,
              ALWAYS,
              "\".\" (the config repository's code) or libraries/<name>."),
          f("execution.timeout", Type.DURATION, ALWAYS, "Duration, e.g. 10s, 1m30s."),
          f("execution.memory", Type.SIZE, ALWAYS, "Size, e.g. 64MiB, 32MB."),
          f("execution.call", Type.STRING, ALWAYS, "Exported Wasm function to call."));

  static final List<Field> FUNCTION;

  static {
    List<Field> l = new ArrayList<>();
    l.add(
        enumeration(
            "trigger.type",
            List.of("http", "https", "pubsub", "p2p"),
            null,
            ALWAYS,
            "Trigger kind."));
    l.add(f("trigger.local", Type.BOOL, NEVER, "Serve on the local node only."));
    l.add(
        f(
            "trigger.channel",
            Type.STRING,
            new When("trigger.type", null, Set.of("pubsub")),
            "Channel (pubsub)."));
    l.add(
        new Field(
            "trigger.protocol",
            "trigger.service",
            Type.STRING,
            Format.NONE,
            List.of(),
            "",
            new When("trigger.type", null, Set.of("p2p")),
            "Service protocol (p2p); legacy alias trigger.service."));
    l.add(
        f(
            "trigger.command",
            Type.STRING,
            new When("trigger.type", null, Set.of("p2p")),
            "Command (p2p)."));
    l.add(
        fmt(
            "trigger.method",
            Format.HTTP_METHOD,
            new When("trigger.type", null, HTTP),
            "HTTP method (http/https)."));
    l.add(f("trigger.methods", Type.LIST, NEVER, "Reserved."));
    l.add(
        f(
            "trigger.domains",
            "domains",
            Type.LIST,
            new When("trigger.type", null, HTTP),
            "Domain names (http/https); the top-level domains alias is common."));
    l.add(
        f(
            "trigger.paths",
            Type.LIST,
            new When("trigger.type", null, HTTP),
            "URL paths (http/https)."));
    l.addAll(CODE);
    FUNCTION = List.copyOf(l);
  }

  static final List<Field> WEBSITE =
      List.of(
          f("domains", Type.LIST, ALWAYS, "Domain names."),
          f("paths", "source.paths", Type.LIST, ALWAYS, "URL paths; legacy alias source.paths."),
          f("source.branch", Type.STRING, NEVER, "Branch of the website repository."),
          f("source.github.id", Type.STRING, ALWAYS, "GitHub repository id."),
          f("source.github.fullname", Type.STRING, ALWAYS, "GitHub owner/repo."));

  static final List<Field> LIBRARY =
      List.of(
          f("source.path", Type.STRING, NEVER, "Path inside the repository."),
          f("source.branch", Type.STRING, NEVER, "Branch of the library repository."),
          f("source.github.id", Type.STRING, ALWAYS, "GitHub repository id."),
          f("source.github.fullname", Type.STRING, ALWAYS, "GitHub owner/repo."));

  static final List<Field> DOMAIN =
      List.of(
          fmt("fqdn", Format.FQDN, ALWAYS, "Fully qualified domain name (lower-cased on compile)."),
          f(
              "certificate.cert",
              Type.STRING,
              new When("certificate.type", null, Set.of("inline")),
              "PEM certificate (inline)."),
          f(
              "certificate.key",
              Type.STRING,
              new When("certificate.type", null, Set.of("inline")),
              "PEM key (inline)."),
          enumeration(
              "certificate.type", List.of("inline", "auto"), "auto", NEVER, "Certificate source."));

  private static final Field NETWORK =
      enumeration(
          "access.network", List.of("all", "subnet", "host"), "all", NEVER, "Who may access.");

  static final List<Field> DATABASE =
      List.of(
          f("match", Type.STRING, new Unless("regex", "useRegex"), "Name or regex matched."),
          f("regex", "useRegex", Type.BOOL, NEVER, "match is a regex; alias useRegex."),
          NETWORK,
          f("storage.size", Type.SIZE, ALWAYS, "Size, e.g. 1GB."),
          f("encryption.type", Type.STRING, NEVER, "Passed through; no runtime meaning."),
          f("encryption.key", Type.STRING, NEVER, "Passed through; no runtime meaning."));

  static final List<Field> STORAGE =
      List.of(
          f("match", Type.STRING, NEVER, "Name or regex matched."),
          f("regex", "useRegex", Type.BOOL, NEVER, "match is a regex; alias useRegex."),
          NETWORK,
          f("object.versioning", Type.BOOL, NEVER, "Keep versions (object storage)."),
          f("streaming.ttl", Type.DURATION, NEVER, "Time to live (streaming storage)."),
          f("object.size", Type.SIZE, new WhenKey("object"), "Size (object storage)."),
          f("streaming.size", Type.SIZE, new WhenKey("streaming"), "Size (streaming storage)."));

  static final List<Field> MESSAGING =
      List.of(
          f("local", Type.BOOL, NEVER, "Local node only."),
          f("channel.match", Type.STRING, ALWAYS, "Channel name or regex."),
          f("channel.regex", Type.BOOL, NEVER, "channel.match is a regex."),
          f("bridges.mqtt.enable", Type.BOOL, NEVER, "MQTT bridge."),
          f("bridges.websocket.enable", Type.BOOL, NEVER, "WebSocket bridge."));

  static final List<Field> SERVICE =
      List.of(f("protocol", Type.STRING, ALWAYS, "libp2p protocol suffix, e.g. /orders/v1."));

  static final List<Field> SMARTOP = CODE;

  static final List<Field> PROJECT =
      List.of(
          fmt("notification.email", Format.EMAIL, NEVER, "Contact address."),
          fmt("id", Format.CID, ALWAYS, "Project id (a CID)."),
          fmt("name", Format.VARIABLE_NAME, NEVER, "Project name."),
          f("description", Type.STRING, NEVER, "Free text."),
          f("tags", Type.LIST, NEVER, "Free labels (not compiled)."));

  static final List<Field> APPLICATION = IDENTITY;

  /** Kind-specific fields, after the identity block. */
  static List<Field> fields(ResourceKind k) {
    return switch (k) {
      case DATABASE -> DATABASE;
      case DOMAIN -> DOMAIN;
      case FUNCTION -> FUNCTION;
      case LIBRARY -> LIBRARY;
      case MESSAGING -> MESSAGING;
      case SERVICE -> SERVICE;
      case SMARTOP -> SMARTOP;
      case STORAGE -> STORAGE;
      case WEBSITE -> WEBSITE;
    };
  }

  /** Map keys a kind accepts besides its field paths (selector keys). */
  static Set<String> extraKeys(ResourceKind k) {
    return switch (k) {
      case STORAGE -> Set.of("object", "streaming");
      case WEBSITE, LIBRARY -> Set.of("source.github");
      default -> Set.of();
    };
  }

  /** Every dotted path a kind knows, leaves and their prefixes; {@code leaves} gets the leaves. */
  static Set<String> knownPaths(List<Field> fields, Set<String> extra, Set<String> leaves) {
    Set<String> all = new HashSet<>();
    List<String> paths = new ArrayList<>();
    for (Field f : fields) {
      paths.add(f.path());
      leaves.add(f.path());
      if (f.alias() != null) {
        paths.add(f.alias());
        leaves.add(f.alias());
      }
    }
    paths.addAll(extra);
    for (String p : paths) {
      String[] seg = p.split("\\.");
      StringBuilder sb = new StringBuilder();
      for (String s : seg) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(s);
        all.add(sb.toString());
      }
    }
    return all;
  }
}
