package io.jtau.schema;

import io.jtau.model.Problem;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import io.jtau.model.ResourceKind;
import io.jtau.schema.YNode.YMap;
import io.jtau.schema.YNode.YScalar;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Maps a repository tree to one merged {@link YMap} following tau's "directory = map" loader
 * (config-format.md 1.2): a directory is a map of its sub-directories and {@code *.yaml} stems; at
 * the root, in each application folder and in each group folder, {@code config.yaml} holds the
 * node's own keys and may define children inline, a filesystem entry winning over an inline key.
 * {@code x/} next to {@code x.yaml} is refused (Improve). Not thread-safe; one per compile.
 */
final class RepoLayout {

  /** Marks a value whose file could not be read; its problems are already reported. */
  static final YMap BROKEN = new YMap("", -1, -1, Map.of());

  /** Line of a merged node whose {@code config.yaml} could not be read. */
  static final int CONFIG_BROKEN = -2;

  static final Set<String> GROUPS;

  static {
    Set<String> g = new TreeSet<>();
    for (ResourceKind k : ResourceKind.values()) {
      g.add(k.folder());
    }
    GROUPS = Collections.unmodifiableSet(g);
  }

  private enum Level {
    ROOT,
    APPS,
    APP,
    GROUP,
    PLAIN
  }

  /** A directory of the tree: sub-directories and {@code .yaml} files by stem. */
  private static final class Dir {
    final String path;
    final TreeMap<String, Dir> dirs = new TreeMap<>();
    final TreeMap<String, RepoFile> yaml = new TreeMap<>();

    Dir(String path) {
      this.path = path;
    }

    String display() {
      return "/" + path + (path.isEmpty() ? "" : "/");
    }
  }

  private final Function<RepoFile, YamlReader.Parsed> parser;
  private final List<Problem> problems;

  RepoLayout(Function<RepoFile, YamlReader.Parsed> parser, List<Problem> problems) {
    this.parser = parser;
    this.problems = problems;
  }

  /** The merged project node; a missing {@code config.yaml} gives a node with no attributes. */
  YMap root(RepoTree tree) {
    Dir root = new Dir("");
    for (Map.Entry<String, RepoFile> e : tree.files().entrySet()) {
      String path = e.getKey();
      String[] seg = path.split("/", -1);
      boolean bad = false;
      for (String s : seg) {
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
          bad = true;
        }
      }
      if (bad) {
        problems.add(Problem.error("/" + path, 0, 0, "", "path has an empty, '.' or '..' segment"));
        continue;
      }
      Dir d = root;
      StringBuilder p = new StringBuilder();
      for (int i = 0; i < seg.length - 1; i++) {
        if (p.length() > 0) {
          p.append('/');
        }
        p.append(seg[i]);
        String dirPath = p.toString();
        d = d.dirs.computeIfAbsent(seg[i], k -> new Dir(dirPath));
      }
      String name = seg[seg.length - 1];
      if (name.endsWith(".yaml") && name.length() > ".yaml".length()) {
        d.yaml.put(name.substring(0, name.length() - ".yaml".length()), e.getValue());
      }
    }
    YNode merged = merge(root, Level.ROOT);
    return (YMap) merged;
  }

  private YNode merge(Dir d, Level level) {
    Map<String, YNode> entries = new LinkedHashMap<>();
    Map<String, YNode> inline = new LinkedHashMap<>();
    boolean configMerges = level == Level.ROOT || level == Level.APP || level == Level.GROUP;
    String nodeFile = d.display();
    int nodeLine = 0;
    if (configMerges) {
      RepoFile cfg = d.yaml.get("config");
      nodeFile = "/" + (d.path.isEmpty() ? "" : d.path + "/") + "config.yaml";
      if (cfg != null) {
        YNode c = parse(cfg);
        if (c == BROKEN) {
          // Keep merging the folders so their problems are reported too; the node's own
          // attributes are unknown (line -2 tells the compiler not to report them missing).
          nodeLine = CONFIG_BROKEN;
        } else if (c instanceof YMap m) {
          inline.putAll(m.entries());
          nodeLine = 1;
        } else if (!(c instanceof YScalar s && s.isNull())) {
          problems.add(
              Problem.error(
                  c.file(),
                  c.line(),
                  c.col(),
                  "",
                  "config.yaml must hold a map of attributes, found " + c.describe()));
          nodeLine = CONFIG_BROKEN;
        } else {
          nodeLine = 1;
        }
      }
    }
    entries.putAll(inline);
    Set<String> names = new TreeSet<>(d.dirs.keySet());
    names.addAll(d.yaml.keySet());
    if (configMerges) {
      names.remove("config");
    }
    for (String name : names) {
      Dir sub = d.dirs.get(name);
      RepoFile file = d.yaml.get(name);
      Level childLevel = childLevel(level, name);
      if (childLevel == null) {
        if (file != null && sub == null) {
          problems.add(
              Problem.warning(
                  "/" + file.path(), 0, 0, "", "ignored: '" + name + "' is not a resource group"));
        }
        continue;
      }
      if (sub != null && file != null) {
        problems.add(
            Problem.error(
                "/" + file.path(),
                0,
                0,
                "",
                "ambiguous: both "
                    + sub.display()
                    + " and /"
                    + file.path()
                    + " define '"
                    + name
                    + "'"));
      }
      YNode child = sub != null ? merge(sub, childLevel) : parse(file);
      YNode shadowed = inline.get(name);
      if (shadowed != null) {
        problems.add(
            Problem.warning(
                shadowed.file(),
                shadowed.line(),
                shadowed.col(),
                name,
                "ignored: inline '"
                    + name
                    + "' is shadowed by "
                    + (sub != null ? sub.display() : "/" + file.path())));
      }
      entries.put(name, child);
    }
    return new YMap(nodeFile, nodeLine, nodeLine, Collections.unmodifiableMap(entries));
  }

  private static Level childLevel(Level level, String name) {
    return switch (level) {
      case ROOT -> {
        if (GROUPS.contains(name)) {
          yield Level.GROUP;
        }
        if (name.equals("applications")) {
          yield Level.APPS;
        }
        yield name.equals("clouds") ? Level.PLAIN : null;
      }
      case APPS -> Level.APP;
      case APP -> GROUPS.contains(name) ? Level.GROUP : null;
      case GROUP, PLAIN -> Level.PLAIN;
    };
  }

  private YNode parse(RepoFile f) {
    YamlReader.Parsed p = parser.apply(f);
    problems.addAll(p.problems());
    return p.broken() ? BROKEN : p.root();
  }
}
