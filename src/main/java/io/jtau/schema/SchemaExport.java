package io.jtau.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.model.ResourceKind;
import io.jtau.schema.Schema.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the JSON Schemas (draft 2020-12) of {@code resource-schemas/} from the field tables of
 * {@link Schema}, for editors (the YAML language server). The compiler stays the authority: a
 * schema cannot express every rule (references, ids unique, the exact duration grammar). Pure and
 * thread-safe.
 */
final class SchemaExport {

  static final String BASE = "https://jtau.io/resource-schemas/";

  private SchemaExport() {}

  /** File name to JSON text, for every kind plus the project and application documents. */
  static Map<String, String> all() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ResourceKind k : ResourceKind.values()) {
      out.put(file(k), json(kind(k)));
    }
    out.put("project.schema.json", json(project()));
    out.put("application.schema.json", json(application()));
    return out;
  }

  static String file(ResourceKind k) {
    return k.word() + ".schema.json";
  }

  private static Map<String, Object> header(String file, String title) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    s.put("$id", BASE + file);
    s.put("title", title);
    s.put("type", "object");
    return s;
  }

  static Map<String, Object> kind(ResourceKind k) {
    List<Field> fields = new ArrayList<>(Schema.IDENTITY);
    fields.addAll(Schema.fields(k));
    Map<String, Object> s =
        header(file(k), "tau " + k.word() + " (" + k.folder() + "/<name>.yaml)");
    Map<String, Object> body = object(fields, "", true);
    s.putAll(body);
    List<Object> allOf = new ArrayList<>(conditions(fields));
    switch (k) {
      case STORAGE -> {
        properties(s).put("object", objectAt(fields, "object"));
        properties(s).put("streaming", objectAt(fields, "streaming"));
        allOf.add(
            Map.of(
                "oneOf",
                List.of(
                    Map.of("required", List.of("object")),
                    Map.of("required", List.of("streaming")))));
      }
      case WEBSITE, LIBRARY -> {
        Map<String, Object> source = nested(s, "source");
        require(source, "github");
        require(s, "source");
      }
      case DATABASE ->
          properties(s)
              .put(
                  "replicas",
                  ordered("description", "Ignored (no longer used by tau).", "type", "object"));
      default -> {}
    }
    if (!allOf.isEmpty()) {
      s.put("allOf", allOf);
    }
    return s;
  }

  static Map<String, Object> project() {
    Map<String, Object> s = header("project.schema.json", "tau project (config.yaml)");
    s.putAll(object(Schema.PROJECT, "", true));
    Map<String, Object> cloud = new LinkedHashMap<>();
    cloud.put("type", "object");
    cloud.put(
        "properties",
        ordered(
            "account", scalar("Account on this cloud."), "plan", scalar("Plan on this cloud.")));
    cloud.put("additionalProperties", false);
    Map<String, Object> clouds = new LinkedHashMap<>();
    clouds.put("description", "Per cloud fqdn: account and plan, both set or both omitted.");
    clouds.put("type", "object");
    clouds.put("additionalProperties", cloud);
    properties(s).put("clouds", clouds);
    groups(s);
    Map<String, Object> apps = new LinkedHashMap<>();
    apps.put("type", "object");
    apps.put("additionalProperties", Map.of("$ref", "application.schema.json"));
    properties(s).put("applications", apps);
    return s;
  }

  static Map<String, Object> application() {
    Map<String, Object> s =
        header("application.schema.json", "tau application (applications/<name>/config.yaml)");
    s.putAll(object(Schema.APPLICATION, "", true));
    groups(s);
    return s;
  }

  private static void groups(Map<String, Object> s) {
    for (ResourceKind k : ResourceKind.values()) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("description", "Inline " + k.folder() + ": name -> " + k.word() + ".");
      g.put("type", "object");
      g.put("additionalProperties", Map.of("$ref", file(k)));
      properties(s).put(k.folder(), g);
    }
  }

  /** The object schema of the fields below {@code prefix} (dotted, empty for the root). */
  private static Map<String, Object> object(List<Field> fields, String prefix, boolean top) {
    Map<String, Object> props = new LinkedHashMap<>();
    Set<String> required = new LinkedHashSet<>();
    for (Field f : fields) {
      for (String path : f.alias() == null ? List.of(f.path()) : List.of(f.path(), f.alias())) {
        if (!path.startsWith(prefix)) {
          continue;
        }
        String rest = path.substring(prefix.length());
        int dot = rest.indexOf('.');
        if (dot < 0) {
          props.put(rest, leaf(f, !path.equals(f.path())));
          if (f.required() && f.alias() == null) {
            required.add(rest);
          }
        } else {
          String head = rest.substring(0, dot);
          if (!props.containsKey(head)) {
            props.put(head, object(fields, prefix + head + ".", false));
          }
          if (f.required() && f.alias() == null && path.equals(f.path())) {
            required.add(head);
          }
        }
      }
    }
    Map<String, Object> o = new LinkedHashMap<>();
    if (!top) {
      o.put("type", "object");
    }
    o.put("properties", props);
    if (!required.isEmpty()) {
      o.put("required", new ArrayList<>(required));
    }
    o.put("additionalProperties", false);
    return o;
  }

  private static Map<String, Object> objectAt(List<Field> fields, String key) {
    return object(fields, key + ".", false);
  }

  /** {@code if}/{@code then} for conditional requiredness on a string discriminator. */
  private static List<Object> conditions(List<Field> fields) {
    Map<String, Map<String, Object>> byCondition = new LinkedHashMap<>();
    List<Object> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.req() instanceof Schema.When w) {
        String key = w.path() + "=" + w.values();
        Map<String, Object> then =
            byCondition.computeIfAbsent(
                key,
                x -> {
                  Map<String, Object> cond = new LinkedHashMap<>();
                  cond.put(
                      "if",
                      pathHas(
                          w.path(),
                          Map.of("enum", List.copyOf(new java.util.TreeSet<>(w.values())))));
                  Map<String, Object> t = new LinkedHashMap<>();
                  cond.put("then", t);
                  out.add(cond);
                  return t;
                });
        if (f.alias() == null) {
          mergeRequired(then, f.path());
        }
      }
    }
    return out;
  }

  /** A schema requiring {@code dotted} to exist and match {@code leaf}. */
  private static Map<String, Object> pathHas(String dotted, Map<String, Object> leaf) {
    String[] seg = dotted.split("\\.");
    Map<String, Object> cur = leaf;
    for (int i = seg.length - 1; i >= 0; i--) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("properties", Map.of(seg[i], cur));
      o.put("required", List.of(seg[i]));
      cur = o;
    }
    return cur;
  }

  @SuppressWarnings("unchecked")
  private static void mergeRequired(Map<String, Object> into, String dotted) {
    String[] seg = dotted.split("\\.");
    Map<String, Object> cur = into;
    for (int i = 0; i < seg.length; i++) {
      List<String> req =
          (List<String>) cur.computeIfAbsent("required", k -> new ArrayList<String>());
      if (!req.contains(seg[i])) {
        req.add(seg[i]);
      }
      if (i < seg.length - 1) {
        Map<String, Object> props =
            (Map<String, Object>) cur.computeIfAbsent("properties", k -> new LinkedHashMap<>());
        cur = (Map<String, Object>) props.computeIfAbsent(seg[i], k -> new LinkedHashMap<>());
      }
    }
  }

  private static Map<String, Object> leaf(Field f, boolean isAlias) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("description", (isAlias ? "Legacy alias of " + f.path() + ". " : "") + f.description());
    switch (f.type()) {
      case BOOL -> m.put("type", "boolean");
      case LIST -> {
        m.put("type", List.of("array", "null"));
        m.put("items", Map.of("type", List.of("string", "number", "boolean", "null")));
      }
      case DURATION -> {
        m.put("type", "string");
        m.put(
            "pattern", "^\\+?(0|(([0-9]+\\.?[0-9]*|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$");
      }
      case SIZE -> {
        m.put("type", "string");
        m.put(
            "pattern",
            "^\\+?(0|(([0-9]+\\.?[0-9]*|\\.[0-9]+)(B|KiB|MiB|GiB|TiB|PiB|EiB))+|(([0-9]+\\.?[0-9]*|\\.[0-9]+)(B|kB|KB|MB|GB|TB|PB|EB))+)$");
      }
      case STRING -> {
        switch (f.format()) {
          case NONE -> m.put("type", List.of("string", "number", "boolean", "null"));
          case CID -> {
            m.put("type", "string");
            m.put(
                "pattern",
                "^(/ipfs/)?(Qm[1-9A-HJ-NP-Za-km-z]{44}|[bBzfFkKmu][A-Za-z0-9+/=_-]{8,})$");
          }
          case VARIABLE_NAME -> {
            m.put("type", "string");
            m.put("pattern", Scalars.VARIABLE_NAME.pattern());
          }
          case EMAIL -> m.put("type", "string");
          case FQDN -> {
            m.put("type", "string");
            m.put(
                "pattern",
                "^(\\.|[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?)$");
          }
          case HTTP_METHOD -> {
            m.put("type", "string");
            List<String> alts = new ArrayList<>();
            for (String meth : new java.util.TreeSet<>(Scalars.HTTP_METHODS)) {
              StringBuilder b = new StringBuilder();
              for (char c : meth.toCharArray()) {
                b.append('[').append(c).append(Character.toLowerCase(c)).append(']');
              }
              alts.add(b.toString());
            }
            m.put("pattern", "^(" + String.join("|", alts) + ")$");
          }
          case ENUM -> {
            m.put("type", "string");
            m.put("enum", f.values());
          }
          case SOURCE -> {
            m.put("type", "string");
            m.put("pattern", "^(\\.|libraries/.+)$");
          }
        }
      }
    }
    if (f.dflt() != null && !f.dflt().isEmpty()) {
      m.put("default", f.dflt());
    }
    return m;
  }

  private static Map<String, Object> scalar(String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("description", description);
    m.put("type", List.of("string", "number", "boolean", "null"));
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> properties(Map<String, Object> s) {
    return (Map<String, Object>) s.get("properties");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> nested(Map<String, Object> s, String key) {
    return (Map<String, Object>) properties(s).get(key);
  }

  @SuppressWarnings("unchecked")
  private static void require(Map<String, Object> s, String key) {
    List<String> req = (List<String>) s.computeIfAbsent("required", k -> new ArrayList<String>());
    if (!req.contains(key)) {
      req.add(key);
    }
    // Keep "required" after "properties" for readability.
    Object additional = s.remove("additionalProperties");
    Object r = s.remove("required");
    s.put("required", r);
    if (additional != null) {
      s.put("additionalProperties", additional);
    }
  }

  private static String json(Map<String, Object> m) {
    try {
      DefaultPrettyPrinter pp = new DefaultPrettyPrinter();
      pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
      return new ObjectMapper().writer(pp).writeValueAsString(m).replace("\r\n", "\n") + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A map that keeps the given key order, so generated files are stable across runs. */
  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
