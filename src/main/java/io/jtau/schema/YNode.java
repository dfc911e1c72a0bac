package io.jtau.schema;

import java.util.List;
import java.util.Map;

/**
 * A YAML value with its source position, detached from SnakeYAML so the merged repository tree
 * (files, inline maps, directories) has one shape. Positions are 1-based; a synthetic node built
 * from a directory has line 0. Immutable once built; shared between compiles through the parse
 * cache, so it must never be mutated.
 */
sealed interface YNode permits YNode.YMap, YNode.YSeq, YNode.YScalar {

  String file();

  int line();

  int col();

  /** A short word for messages: {@code a map}, {@code a list}, {@code a scalar}. */
  String describe();

  /** A mapping; keys in source order. */
  record YMap(String file, int line, int col, Map<String, YNode> entries) implements YNode {
    @Override
    public String describe() {
      return "a map";
    }

    YNode get(String key) {
      return entries.get(key);
    }
  }

  /** A sequence. */
  record YSeq(String file, int line, int col, List<YNode> items) implements YNode {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A scalar: {@code text} is the parsed value; {@code plain} is true for an untagged plain scalar
   * (the only form in which {@code null}, {@code ~} or {@code yes} have a meaning).
   */
  record YScalar(String file, int line, int col, String text, boolean plain) implements YNode {
    @Override
    public String describe() {
      return "a scalar";
    }

    /** A plain {@code null}, {@code ~} or empty value. */
    boolean isNull() {
      return plain
          && (text.isEmpty()
              || text.equals("~")
              || text.equals("null")
              || text.equals("Null")
              || text.equals("NULL"));
    }

    /** The string value of a string field: the literal text, or {@code ""} for null. */
    String asString() {
      return isNull() ? "" : text;
    }
  }
}
