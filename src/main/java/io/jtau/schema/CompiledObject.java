package io.jtau.schema;

import io.jtau.model.Application;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.Resource;
import io.jtau.model.ResourceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the {@link ProjectConfig} model and tau's compiled project object
 * (config-format.md 10.2): ids as map keys, tau's key names ({@code cert-type}, {@code
 * repository-id}, {@code useRegex}...), durations and sizes as {@code long}. Stateless and
 * thread-safe. Lossless both ways except for what the object does not hold: the project's {@code
 * tags} (dropped by tau) and group maps that exist but are empty.
 */
public final class CompiledObject {

  private CompiledObject() {}

  /** The compiled object of a model; maps keep a stable, documented key order. */
  public static Map<String, Object> encode(ProjectConfig c) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", c.id());
    put(o, "name", c.name());
    put(o, "description", c.description());
    put(o, "email", c.email());
    put(o, "account", c.account());
    put(o, "plan", c.plan());
    Map<String, List<Resource>> byScope = new LinkedHashMap<>();
    for (Resource r : c.resources()) {
      byScope.computeIfAbsent(r.application(), x -> new ArrayList<>()).add(r);
    }
    encodeGroups(o, byScope.getOrDefault(null, List.of()));
    if (!c.applications().isEmpty()) {
      Map<String, Object> apps = new LinkedHashMap<>();
      for (Application a : c.applications()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        put(m, "description", a.description());
        put(m, "tags", a.tags());
        encodeGroups(m, byScope.getOrDefault(a.id(), List.of()));
        apps.put(a.id(), m);
      }
      o.put("applications", apps);
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  private static void encodeGroups(Map<String, Object> into, List<Resource> scope) {
    for (ResourceKind k : ResourceKind.processingOrder()) {
      for (Resource r : scope) {
        if (r.kind() == k) {
          Map<String, Object> g =
              (Map<String, Object>) into.computeIfAbsent(k.folder(), x -> new LinkedHashMap<>());
          g.put(r.id(), encode(r));
        }
      }
    }
  }

  /** The compiled map of one resource (without its id, which is the key). */
  public static Map<String, Object> encode(Resource r) {
    Map<String, Object> m = new LinkedHashMap<>();
    Identity i = r.identity();
    m.put("name", i.name());
    put(m, "description", i.description());
    put(m, "tags", i.tags());
    put(m, "smartops", i.smartops());
    if (r instanceof Resource.Function f) {
      m.put("type", f.type());
      if (f.isHttp()) {
        m.put("secure", "https".equals(f.type()));
      }
      put(m, "local", f.local());
      put(m, "channel", f.channel());
      put(m, "service", f.service());
      put(m, "command", f.command());
      put(m, "method", f.method());
      put(m, "methods", f.methods());
      put(m, "domains", f.domains());
      put(m, "paths", f.paths());
      put(m, "source", f.source());
      m.put("timeout", f.timeoutNanos());
      m.put("memory", f.memoryBytes());
      put(m, "call", f.call());
    } else if (r instanceof Resource.Website w) {
      put(m, "domains", w.domains());
      put(m, "paths", w.paths());
      put(m, "branch", w.branch());
      put(m, "provider", w.provider());
      put(m, "repository-id", w.repositoryId());
      put(m, "repository-name", w.repositoryName());
    } else if (r instanceof Resource.Library l) {
      put(m, "path", l.path());
      put(m, "branch", l.branch());
      put(m, "provider", l.provider());
      put(m, "repository-id", l.repositoryId());
      put(m, "repository-name", l.repositoryName());
    } else if (r instanceof Resource.Domain d) {
      m.put("fqdn", d.fqdn());
      put(m, "cert-type", d.certType());
      put(m, "cert-file", d.certFile());
      put(m, "key-file", d.keyFile());
    } else if (r instanceof Resource.Database d) {
      put(m, "match", d.match());
      put(m, "useRegex", d.useRegex());
      m.put("local", d.local());
      put(m, "network-access", d.networkAccess());
      m.put("size", d.sizeBytes());
      put(m, "encryption-type", d.encryptionType());
      put(m, "encryption-key", d.encryptionKey());
    } else if (r instanceof Resource.Storage s) {
      m.put("type", s.type());
      put(m, "match", s.match());
      put(m, "useRegex", s.useRegex());
      m.put("public", s.isPublic());
      put(m, "network-access", s.networkAccess());
      put(m, "versioning", s.versioning());
      put(m, "ttl", s.ttlNanos());
      m.put("size", s.sizeBytes());
    } else if (r instanceof Resource.Messaging g) {
      put(m, "local", g.local());
      put(m, "match", g.match());
      put(m, "regex", g.regex());
      put(m, "mqtt", g.mqtt());
      put(m, "webSocket", g.webSocket());
    } else if (r instanceof Resource.Service s) {
      put(m, "protocol", s.protocol());
    } else if (r instanceof Resource.SmartOp s) {
      put(m, "source", s.source());
      m.put("timeout", s.timeoutNanos());
      m.put("memory", s.memoryBytes());
      put(m, "call", s.call());
    } else {
      throw new AssertionError("unknown resource " + r.getClass());
    }
    return m;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /**
   * The model of a compiled object (as produced by {@link #encode} or read back from the registry;
   * numbers may be any {@link Number}).
   *
   * @throws IllegalArgumentException when the object is malformed
   */
  public static ProjectConfig decode(Map<String, Object> object) {
    String id = req(object, "id");
    List<Resource> resources = new ArrayList<>();
    decodeGroups(object, null, resources);
    List<Application> apps = new ArrayList<>();
    Map<String, Object> am = map(object.get("applications"), "applications");
    if (am != null) {
      for (Map.Entry<String, Object> e : am.entrySet()) {
        Map<String, Object> a = map(e.getValue(), "applications." + e.getKey());
        apps.add(
            new Application(e.getKey(), req(a, "name"), str(a, "description"), list(a, "tags")));
        decodeGroups(a, e.getKey(), resources);
      }
    }
    return new ProjectConfig(
        id,
        str(object, "name"),
        str(object, "description"),
        str(object, "email"),
        str(object, "account"),
        str(object, "plan"),
        null,
        apps,
        resources);
  }

  private static void decodeGroups(Map<String, Object> o, String app, List<Resource> out) {
    for (ResourceKind k : ResourceKind.processingOrder()) {
      Map<String, Object> g = map(o.get(k.folder()), k.folder());
      if (g == null) {
        continue;
      }
      for (Map.Entry<String, Object> e : g.entrySet()) {
        out.add(decode(k, e.getKey(), app, map(e.getValue(), k.folder() + "." + e.getKey())));
      }
    }
  }

  private static Resource decode(ResourceKind k, String id, String app, Map<String, Object> m) {
    Identity i =
        new Identity(
            id, req(m, "name"), str(m, "description"), list(m, "tags"), list(m, "smartops"));
    return switch (k) {
      case FUNCTION ->
          new Resource.Function(
              i,
              app,
              req(m, "type"),
              bool(m, "local"),
              str(m, "channel"),
              str(m, "service"),
              str(m, "command"),
              str(m, "method"),
              list(m, "methods"),
              list(m, "domains"),
              list(m, "paths"),
              str(m, "source"),
              num(m, "timeout", true),
              num(m, "memory", true),
              str(m, "call"));
      case WEBSITE ->
          new Resource.Website(
              i,
              app,
              list(m, "domains"),
              list(m, "paths"),
              str(m, "branch"),
              str(m, "provider"),
              str(m, "repository-id"),
              str(m, "repository-name"));
      case LIBRARY ->
          new Resource.Library(
              i,
              app,
              str(m, "path"),
              str(m, "branch"),
              str(m, "provider"),
              str(m, "repository-id"),
              str(m, "repository-name"));
      case DOMAIN ->
          new Resource.Domain(
              i, app, req(m, "fqdn"), str(m, "cert-type"), str(m, "cert-file"), str(m, "key-file"));
      case DATABASE ->
          new Resource.Database(
              i,
              app,
              str(m, "match"),
              bool(m, "useRegex"),
              Boolean.TRUE.equals(bool(m, "local")),
              str(m, "network-access"),
              num(m, "size", true),
              str(m, "encryption-type"),
              str(m, "encryption-key"));
      case STORAGE ->
          new Resource.Storage(
              i,
              app,
              req(m, "type"),
              str(m, "match"),
              bool(m, "useRegex"),
              Boolean.TRUE.equals(bool(m, "public")),
              str(m, "network-access"),
              bool(m, "versioning"),
              m.containsKey("ttl") ? num(m, "ttl", true) : null,
              num(m, "size", true));
      case MESSAGING ->
          new Resource.Messaging(
              i,
              app,
              bool(m, "local"),
              str(m, "match"),
              bool(m, "regex"),
              bool(m, "mqtt"),
              bool(m, "webSocket"));
      case SERVICE -> new Resource.Service(i, app, str(m, "protocol"));
      case SMARTOP ->
          new Resource.SmartOp(
              i,
              app,
              str(m, "source"),
              num(m, "timeout", true),
              num(m, "memory", true),
              str(m, "call"));
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v, String where) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(where + " is not a map");
    }
    return (Map<String, Object>) v;
  }

  private static String req(Map<String, Object> m, String key) {
    String s = str(m, key);
    if (s == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return s;
  }

  private static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(key + " is not a string");
    }
    return s;
  }

  private static Boolean bool(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(key + " is not a boolean");
    }
    return b;
  }

  private static List<String> list(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException(key + " is not a list");
    }
    List<String> out = new ArrayList<>(l.size());
    for (Object x : l) {
      if (!(x instanceof String s)) {
        throw new IllegalArgumentException(key + " holds a non-string");
      }
      out.add(s);
    }
    return out;
  }

  private static long num(Map<String, Object> m, String key, boolean required) {
    Object v = m.get(key);
    if (!(v instanceof Number n)) {
      if (!required && v == null) {
        return 0;
      }
      throw new IllegalArgumentException(key + " is not a number");
    }
    return n.longValue();
  }
}
