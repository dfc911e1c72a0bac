package io.jtau.schema;

import io.jtau.model.Problem;
import io.jtau.schema.Schema.Field;
import io.jtau.schema.Schema.Type;
import io.jtau.schema.YNode.YMap;
import io.jtau.schema.YNode.YScalar;
import io.jtau.schema.YNode.YSeq;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the attributes of one document (a resource, an application or the project) through a field
 * table, applying the order of checks of config-format.md 2.2 and recording every problem (not only
 * the first). Not thread-safe; one instance per document.
 */
final class DocReader {

  /** A value read for a field; {@code node} is null when the value is a default. */
  record Read(Object value, YNode node, String path) {}

  private static final Set<String> TRUE =
      Set.of("true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON");
  private static final Set<String> FALSE =
      Set.of("false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off", "OFF");

  private final YMap doc;
  private final List<Problem> problems;
  private final Map<String, Read> values = new HashMap<>();
  private boolean failed;

  DocReader(YMap doc, List<Problem> problems) {
    this.doc = doc;
    this.problems = problems;
  }

  /**
   * A reader of {@code doc} that starts from an earlier reading of the same document object; its
   * problems were reported by the caller.
   */
  DocReader(YMap doc, List<Problem> problems, Reading earlier) {
    this.doc = doc;
    this.problems = problems;
    this.values.putAll(earlier.values());
    this.failed = earlier.failed();
  }

  /** What reading a document gave: the values and whether a field failed. Immutable. */
  record Reading(Map<String, Read> values, boolean failed) {
    Reading {
      values = Map.copyOf(values);
    }
  }

  /** The reading so far, to start a later reader of the same document from. */
  Reading reading() {
    return new Reading(values, failed);
  }

  YMap doc() {
    return doc;
  }

  /** True once any field of this document produced an error. */
  boolean failed() {
    return failed;
  }

  Read get(String path) {
    return values.get(path);
  }

  String string(String path) {
    Read r = values.get(path);
    return r == null ? null : (String) r.value();
  }

  Boolean bool(String path) {
    Read r = values.get(path);
    return r == null ? null : (Boolean) r.value();
  }

  @SuppressWarnings("unchecked")
  List<String> list(String path) {
    Read r = values.get(path);
    return r == null ? null : (List<String>) r.value();
  }

  Long number(String path) {
    Read r = values.get(path);
    return r == null ? null : (Long) r.value();
  }

  void readAll(List<Field> fields) {
    for (Field f : fields) {
      read(f);
    }
  }

  /** The node at a dotted path, or null when absent or when a prefix is not a map. */
  static YNode lookup(YMap doc, String dotted) {
    YNode cur = doc;
    int start = 0;
    while (true) {
      int dot = dotted.indexOf('.', start);
      String seg = dot < 0 ? dotted.substring(start) : dotted.substring(start, dot);
      if (!(cur instanceof YMap m)) {
        return null;
      }
      cur = m.get(seg);
      if (cur == null || dot < 0) {
        return cur;
      }
      start = dot + 1;
    }
  }

  void read(Field f) {
    YNode node = lookup(doc, f.path());
    String at = f.path();
    YNode aliasNode = f.alias() == null ? null : lookup(doc, f.alias());
    if (node != null && aliasNode != null) {
      warn(
          aliasNode,
          f.alias(),
          "ignored: '" + f.path() + "' is also set and takes precedence over its alias");
    }
    if (node == null && aliasNode != null) {
      node = aliasNode;
      at = f.alias();
    }
    Object value = null;
    if (node != null) {
      value = convert(f, node, at);
      if (value == WRONG) {
        return;
      }
    }
    if (value == null) {
      if (isRequired(f)) {
        String detail =
            node instanceof YMap
                ? " (found a map where " + expected(f.type()) + " was expected)"
                : "";
        error(doc, f.path(), "required attribute '" + f.slashPath() + "'" + detail);
        return;
      }
      if (node instanceof YMap) {
        warn(node, at, "ignored: expected " + expected(f.type()) + ", found a map");
      }
      if (f.dflt() != null) {
        values.put(f.path(), new Read(f.dflt(), null, f.path()));
      }
      return;
    }
    if (isRequired(f)
        && ((value instanceof String s && s.isEmpty())
            || (value instanceof List<?> l && l.isEmpty()))) {
      error(node, at, "required attribute '" + f.slashPath() + "' is empty");
      return;
    }
    String why = validate(f, value);
    if (why != null) {
      error(node, at, why);
      return;
    }
    if (f.type() == Type.DURATION || f.type() == Type.SIZE) {
      String s = (String) value;
      try {
        value = f.type() == Type.DURATION ? Scalars.duration(s) : Scalars.size(s);
      } catch (Scalars.Invalid e) {
        error(node, at, e.getMessage());
        return;
      }
    }
    values.put(f.path(), new Read(value, node, at));
  }

  private static final Object WRONG = new Object();

  /** The typed value, null for absent, or {@link #WRONG} after reporting a wrong type. */
  private Object convert(Field f, YNode node, String at) {
    if (node instanceof YMap) {
      return null;
    }
    switch (f.type()) {
      case STRING, DURATION, SIZE -> {
        if (node instanceof YScalar s) {
          return s.asString();
        }
        return wrongType(f, node, at);
      }
      case BOOL -> {
        if (node instanceof YScalar s && s.plain()) {
          if (s.isNull()) {
            return Boolean.FALSE;
          }
          if (TRUE.contains(s.text())) {
            return Boolean.TRUE;
          }
          if (FALSE.contains(s.text())) {
            return Boolean.FALSE;
          }
        }
        return wrongType(f, node, at);
      }
      case LIST -> {
        if (node instanceof YScalar s && s.isNull()) {
          return null;
        }
        if (node instanceof YSeq q) {
          List<String> out = new ArrayList<>(q.items().size());
          for (YNode item : q.items()) {
            if (!(item instanceof YScalar s)) {
              return wrongType(f, item, at);
            }
            out.add(s.asString());
          }
          return List.copyOf(out);
        }
        return wrongType(f, node, at);
      }
      default -> throw new AssertionError(f.type());
    }
  }

  private Object wrongType(Field f, YNode node, String at) {
    String found =
        node instanceof YScalar s && !s.plain()
            ? "a quoted string"
            : node instanceof YScalar s ? "'" + s.text() + "'" : node.describe();
    error(
        node,
        at,
        "attribute '"
            + f.slashPath()
            + "' has a value of the wrong type (expected "
            + expected(f.type())
            + ", found "
            + found
            + ")");
    return WRONG;
  }

  private static String expected(Type t) {
    return switch (t) {
      case BOOL -> "a boolean (true/false)";
      case LIST -> "a list of strings";
      case DURATION -> "a duration";
      case SIZE -> "a size";
      case STRING -> "a string";
    };
  }

  private static String validate(Field f, Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    return switch (f.format()) {
      case NONE -> null;
      case CID -> Cids.check(s);
      case VARIABLE_NAME ->
          Scalars.VARIABLE_NAME.matcher(s).matches()
              ? null
              : "invalid variable name: '" + s + "' must match ^[a-zA-Z_][a-zA-Z0-9_]*$";
      case EMAIL -> Scalars.email(s);
      case FQDN -> Scalars.isFqdn(s) ? null : "invalid fqdn: '" + s + "'";
      case HTTP_METHOD ->
          Scalars.isHttpMethod(s) ? null : "invalid http method: '" + s + "' is not an HTTP method";
      case ENUM ->
          f.values().contains(s)
              ? null
              : "invalid value: '" + s + "' is not one of " + String.join(", ", f.values());
      case SOURCE -> Scalars.source(s);
    };
  }

  boolean isRequired(Field f) {
    Schema.Req r = f.req();
    if (r instanceof Schema.Always) {
      return true;
    }
    if (r instanceof Schema.Never) {
      return false;
    }
    if (r instanceof Schema.When w) {
      String v = rawString(w.path(), w.alias());
      return v != null && w.values().contains(v);
    }
    if (r instanceof Schema.Unless u) {
      Boolean b = rawBool(u.path(), u.alias());
      return b == null || !b;
    }
    if (r instanceof Schema.WhenKey k) {
      return doc.get(k.key()) != null;
    }
    throw new AssertionError(r);
  }

  private String rawString(String path, String alias) {
    YNode n = lookup(doc, path);
    if (n == null && alias != null) {
      n = lookup(doc, alias);
    }
    return n instanceof YScalar s ? s.asString() : null;
  }

  private Boolean rawBool(String path, String alias) {
    YNode n = lookup(doc, path);
    if (n == null && alias != null) {
      n = lookup(doc, alias);
    }
    if (n instanceof YScalar s && s.plain()) {
      if (s.isNull() || FALSE.contains(s.text())) {
        return false;
      }
      if (TRUE.contains(s.text())) {
        return true;
      }
    }
    return null;
  }

  /**
   * Warns about keys no field knows. A key at a leaf path is not descended into; a known prefix
   * holding a map is.
   */
  void warnUnknown(Set<String> known, Set<String> leaves, Set<String> ignoredWithReason) {
    walk(doc, "", known, leaves, ignoredWithReason);
  }

  private void walk(
      YMap m, String prefix, Set<String> known, Set<String> leaves, Set<String> ignored) {
    for (Map.Entry<String, YNode> e : m.entries().entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (leaves.contains(path)) {
        continue;
      }
      if (ignored.contains(path)) {
        continue;
      }
      if (known.contains(path)) {
        if (e.getValue() instanceof YMap sub) {
          walk(sub, path, known, leaves, ignored);
        }
        continue;
      }
      warn(e.getValue(), path, "unknown key '" + path + "' is ignored");
    }
  }

  void error(YNode at, String field, String message) {
    failed = true;
    problems.add(Problem.error(at.file(), at.line(), at.col(), field, message));
  }

  void warn(YNode at, String field, String message) {
    problems.add(Problem.warning(at.file(), at.line(), at.col(), field, message));
  }
}
