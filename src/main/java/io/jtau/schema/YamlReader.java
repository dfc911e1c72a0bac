package io.jtau.schema;

import io.jtau.model.Problem;
import io.jtau.schema.YNode.YMap;
import io.jtau.schema.YNode.YScalar;
import io.jtau.schema.YNode.YSeq;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns the bytes of one YAML file into a {@link YNode} tree with positions, never constructing
 * Java objects from tags. Hardened against the bad inputs of reliability.md 1.4 (B12-B14): size and
 * code point caps, a nesting depth cap, an alias cap plus an expansion budget (a DAG of 50 aliases
 * can still expand exponentially), recursive aliases, duplicate keys and any tag outside the YAML
 * core schema. Stateless and thread-safe; a SnakeYAML instance is made per call because SnakeYAML's
 * loaders are not thread-safe.
 */
final class YamlReader {

  /** Files above this size are refused before decoding. */
  static final int MAX_FILE_BYTES = 3 * 1024 * 1024;

  /** Nodes a document may expand to once aliases are followed. */
  static final long MAX_EXPANDED_NODES = 1_000_000;

  static final int MAX_DEPTH = 100;

  /** Marks an untagged plain scalar: our resolver never guesses types. */
  private static final Tag PLAIN = new Tag("tag:jtau.io,2026:plain");

  /** The outcome of reading one file: the first document (null if unusable) and its problems. */
  record Parsed(YNode root, List<Problem> problems) {
    boolean broken() {
      return root == null;
    }
  }

  private YamlReader() {}

  static Parsed parse(String file, byte[] bytes) {
    List<Problem> problems = new ArrayList<>();
    if (bytes.length > MAX_FILE_BYTES) {
      problems.add(
          Problem.error(
              file,
              0,
              0,
              "",
              "file is "
                  + bytes.length
                  + " bytes; config files are limited to "
                  + MAX_FILE_BYTES
                  + " bytes"));
      return new Parsed(null, problems);
    }
    String text;
    try {
      text = decodeUtf8(bytes);
    } catch (CharacterCodingException e) {
      problems.add(
          Problem.error(
              file,
              0,
              0,
              "",
              "file is not UTF-8 text (invalid byte at offset " + badOffset(bytes) + ")"));
      return new Parsed(null, problems);
    }
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      int line = 1;
      int col = 1;
      for (int i = 0; i < nul; i++) {
        if (text.charAt(i) == '\n') {
          line++;
          col = 1;
        } else {
          col++;
        }
      }
      problems.add(
          Problem.error(
              file, line, col, "", "file contains binary data (a NUL byte); it is not YAML"));
      return new Parsed(null, problems);
    }
    Yaml yaml = newYaml();
    Node first = null;
    int documents = 0;
    try {
      for (Node n : yaml.composeAll(new StringReader(text))) {
        documents++;
        if (documents == 1) {
          first = n;
        }
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String msg = e.getProblem() != null ? e.getProblem() : e.getMessage();
      problems.add(
          Problem.error(
              file,
              m == null ? 0 : m.getLine() + 1,
              m == null ? 0 : m.getColumn() + 1,
              "",
              "invalid YAML: " + oneLine(msg)));
      return new Parsed(null, problems);
    } catch (YAMLException | StackOverflowError e) {
      problems.add(
          Problem.error(
              file, 0, 0, "", "invalid YAML: " + oneLine(String.valueOf(e.getMessage()))));
      return new Parsed(null, problems);
    }
    if (documents > 1) {
      problems.add(
          Problem.warning(
              file,
              0,
              0,
              "",
              "file holds " + documents + " YAML documents; only the first is read"));
    }
    if (first == null) {
      // An empty file is an empty map (tau reads it as a resource with no attributes).
      return new Parsed(new YMap(file, 1, 1, Map.of()), problems);
    }
    Converter c = new Converter(file, problems);
    long size = c.expandedSize(first, 0);
    if (size > MAX_EXPANDED_NODES) {
      problems.add(
          Problem.error(
              file,
              first.getStartMark().getLine() + 1,
              first.getStartMark().getColumn() + 1,
              "",
              "document expands to more than "
                  + MAX_EXPANDED_NODES
                  + " nodes through aliases (alias bomb); refused"));
      return new Parsed(null, problems);
    }
    if (c.recursive) {
      return new Parsed(null, problems);
    }
    YNode root = c.convert(first);
    int errors = (int) problems.stream().filter(Problem::isError).count();
    if (errors > 0) {
      return new Parsed(null, problems);
    }
    if (root instanceof YMap m) {
      // Tau positions a file-level document at 1:1 (error catalogue rows 1, 5, 13).
      root = new YMap(file, 1, 1, m.entries());
    }
    return new Parsed(root, problems);
  }

  private static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
    int start = 0;
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xEF
        && (bytes[1] & 0xff) == 0xBB
        && (bytes[2] & 0xff) == 0xBF) {
      start = 3;
    }
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    return d.decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
  }

  private static int badOffset(byte[] bytes) {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    // Binary search is overkill; decode growing prefixes in one pass instead.
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = d.decode(in, out, true);
    return r.isError() ? in.position() : bytes.length;
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replaceAll("\\s+", " ").trim();
  }

  private static Yaml newYaml() {
    LoaderOptions lo = new LoaderOptions();
    lo.setAllowDuplicateKeys(false);
    lo.setMaxAliasesForCollections(50);
    lo.setNestingDepthLimit(MAX_DEPTH);
    lo.setCodePointLimit(MAX_FILE_BYTES);
    lo.setAllowRecursiveKeys(false);
    lo.setTagInspector(tag -> false);
    return new Yaml(
        new SafeConstructor(lo),
        new Representer(new org.yaml.snakeyaml.DumperOptions()),
        new org.yaml.snakeyaml.DumperOptions(),
        lo,
        new PlainResolver());
  }

  /** Resolves nothing: plain untagged scalars get the {@link #PLAIN} marker, the rest stay str. */
  private static final class PlainResolver extends Resolver {
    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
      if (kind == NodeId.scalar) {
        return implicit ? PLAIN : Tag.STR;
      }
      return kind == NodeId.sequence ? Tag.SEQ : Tag.MAP;
    }
  }

  /** SnakeYAML nodes to {@link YNode}s, sharing converted aliases and checking keys and tags. */
  private static final class Converter {
    private final String file;
    private final List<Problem> problems;
    private final Map<Node, Long> sizes = new IdentityHashMap<>();
    private final Map<Node, YNode> done = new IdentityHashMap<>();
    private final Map<Node, Boolean> active = new IdentityHashMap<>();
    boolean recursive;

    Converter(String file, List<Problem> problems) {
      this.file = file;
      this.problems = problems;
    }

    long expandedSize(Node n, int depth) {
      Long known = sizes.get(n);
      if (known != null) {
        return known;
      }
      if (active.containsKey(n)) {
        if (!recursive) {
          recursive = true;
          error(n, "recursive alias: a collection contains itself");
        }
        return 1;
      }
      if (depth > MAX_DEPTH + 1) {
        return MAX_EXPANDED_NODES + 1;
      }
      active.put(n, Boolean.TRUE);
      long total = 1;
      if (n instanceof SequenceNode s) {
        for (Node c : s.getValue()) {
          total = Math.min(MAX_EXPANDED_NODES + 1, total + expandedSize(c, depth + 1));
        }
      } else if (n instanceof MappingNode m) {
        for (NodeTuple t : m.getValue()) {
          total =
              Math.min(
                  MAX_EXPANDED_NODES + 1,
                  total
                      + expandedSize(t.getKeyNode(), depth + 1)
                      + expandedSize(t.getValueNode(), depth + 1));
        }
      }
      active.remove(n);
      sizes.put(n, total);
      return total;
    }

    YNode convert(Node n) {
      YNode known = done.get(n);
      if (known != null) {
        return known;
      }
      checkTag(n);
      int line = n.getStartMark().getLine() + 1;
      int col = n.getStartMark().getColumn() + 1;
      YNode out;
      if (n instanceof ScalarNode s) {
        Tag t = s.getTag();
        boolean plain =
            t.equals(PLAIN)
                || t.equals(Tag.INT)
                || t.equals(Tag.FLOAT)
                || t.equals(Tag.BOOL)
                || t.equals(Tag.NULL);
        out = new YScalar(file, line, col, s.getValue(), plain);
      } else if (n instanceof SequenceNode s) {
        List<YNode> items = new ArrayList<>(s.getValue().size());
        for (Node c : s.getValue()) {
          items.add(convert(c));
        }
        out = new YSeq(file, line, col, List.copyOf(items));
      } else if (n instanceof MappingNode m) {
        Map<String, YNode> entries = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
          Node k = t.getKeyNode();
          if (!(k instanceof ScalarNode ks)) {
            error(
                k,
                "a map key must be a string, found "
                    + (k instanceof MappingNode ? "a map" : "a list"));
            continue;
          }
          checkTag(k);
          String key = ks.getValue();
          if (entries.containsKey(key)) {
            error(k, "duplicate key '" + key + "'");
            continue;
          }
          entries.put(key, convert(t.getValueNode()));
        }
        out = new YMap(file, line, col, java.util.Collections.unmodifiableMap(entries));
      } else {
        throw new AssertionError("unknown node " + n.getClass());
      }
      done.put(n, out);
      return out;
    }

    private void checkTag(Node n) {
      Tag t = n.getTag();
      if (t.equals(PLAIN) || t.equals(Tag.STR) || t.equals(Tag.SEQ) || t.equals(Tag.MAP)) {
        return;
      }
      if (t.equals(Tag.INT)
          || t.equals(Tag.FLOAT)
          || t.equals(Tag.BOOL)
          || t.equals(Tag.NULL)
          || t.equals(Tag.TIMESTAMP)) {
        return;
      }
      error(n, "YAML tag '" + t.getValue() + "' is not allowed in config files");
    }

    private void error(Node n, String message) {
      problems.add(
          Problem.error(
              file, n.getStartMark().getLine() + 1, n.getStartMark().getColumn() + 1, "", message));
    }
  }
}
