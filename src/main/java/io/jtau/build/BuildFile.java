package io.jtau.build;

import io.jtau.build.LanguageBuilder.BuildFailure;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A code, library or website repository's build file, {@code .taubyte/config.yaml} (legacy folder
 * {@code taubyte/}): {@code version}, {@code environment: {image, variables}}, {@code workflow:
 * [step ...]}. When {@code environment.image} is empty the misspelt block {@code enviroment} is
 * used instead, as tau does. Each step runs {@code .taubyte/<step>.sh}; step names are checked so a
 * step cannot name a file outside {@code .taubyte/}. jtau extension: {@code environment.network:
 * true} asks for network access during the steps (granted only when the node allows it).
 *
 * @param path the file's path in the sources
 * @param folder the build folder ({@code .taubyte} or {@code taubyte})
 */
public record BuildFile(
    String path,
    String folder,
    String version,
    String image,
    Map<String, String> variables,
    List<String> workflow,
    boolean network) {

  public BuildFile {
    variables = Map.copyOf(variables);
    workflow = List.copyOf(workflow);
  }

  static final Pattern STEP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /** The build file of these sources, if any; a present but invalid file fails the build. */
  public static Optional<BuildFile> find(RepoTree sources) throws BuildFailure {
    for (String folder : List.of(".taubyte", "taubyte")) {
      for (String name : List.of("config.yaml", "config.yml")) {
        Optional<RepoFile> f = sources.file(folder + "/" + name);
        if (f.isPresent()) {
          BuildFile b =
              parse(f.get().path(), new String(f.get().content(), StandardCharsets.UTF_8));
          for (String step : b.workflow()) {
            String script = folder + "/" + step + ".sh";
            if (sources.file(script).isEmpty()) {
              throw new BuildFailure(
                  b.path() + ": workflow step '" + step + "' has no script " + script);
            }
          }
          return Optional.of(b);
        }
      }
    }
    return Optional.empty();
  }

  /** Parses a build file; errors name {@code path:line:column} and the field. */
  public static BuildFile parse(String path, String text) throws BuildFailure {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setNestingDepthLimit(50);
    options.setCodePointLimit(1 << 20);
    Node root;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (RuntimeException e) {
      throw new BuildFailure(path + ": not valid YAML: " + e.getMessage().strip());
    }
    String folder = path.substring(0, path.indexOf('/'));
    if (root == null) {
      return new BuildFile(path, folder, "", "", Map.of(), List.of(), false);
    }
    MappingNode doc = mapping(path, root, "the document");
    String version = "";
    Env environment = new Env("", Map.of(), false);
    Env misspelt = new Env("", Map.of(), false);
    List<String> workflow = new ArrayList<>();
    for (NodeTuple t : doc.getValue()) {
      String key = scalar(path, t.getKeyNode(), "a key");
      Node v = t.getValueNode();
      switch (key) {
        case "version" -> version = scalar(path, v, "version");
        case "environment" -> environment = env(path, v, "environment");
        case "enviroment" -> misspelt = env(path, v, "enviroment");
        case "workflow" -> {
          if (isNull(v)) {
            break;
          }
          if (!(v instanceof SequenceNode seq)) {
            throw fail(path, v, "workflow must be a list of step names");
          }
          for (Node s : seq.getValue()) {
            String step = scalar(path, s, "workflow step");
            if (!STEP.matcher(step).matches() || step.contains("..")) {
              throw fail(
                  path,
                  s,
                  "workflow step '"
                      + step
                      + "' is not a valid step name (letters, digits, '.', '_', '-'; no '..' or"
                      + " '/'): it names the script "
                      + folder
                      + "/<step>.sh");
            }
            workflow.add(step);
          }
        }
        default -> {
          // unknown keys are ignored, as tau does
        }
      }
    }
    Env used = environment.image.isEmpty() && !misspelt.image.isEmpty() ? misspelt : environment;
    return new BuildFile(
        path,
        folder,
        version,
        used.image,
        used.variables,
        workflow,
        environment.network || misspelt.network);
  }

  private record Env(String image, Map<String, String> variables, boolean network) {}

  private static Env env(String path, Node n, String field) throws BuildFailure {
    if (isNull(n)) {
      return new Env("", Map.of(), false);
    }
    MappingNode m = mapping(path, n, field);
    String image = "";
    Map<String, String> vars = new LinkedHashMap<>();
    boolean network = false;
    for (NodeTuple t : m.getValue()) {
      String key = scalar(path, t.getKeyNode(), "a key");
      Node v = t.getValueNode();
      switch (key) {
        case "image" -> image = isNull(v) ? "" : scalar(path, v, field + ".image").strip();
        case "network" -> {
          String s = scalar(path, v, field + ".network");
          if (!s.equals("true") && !s.equals("false")) {
            throw fail(path, v, field + ".network must be true or false");
          }
          network = s.equals("true");
        }
        case "variables" -> {
          if (isNull(v)) {
            break;
          }
          for (NodeTuple vt : mapping(path, v, field + ".variables").getValue()) {
            String name = scalar(path, vt.getKeyNode(), field + ".variables key");
            if (!VARIABLE.matcher(name).matches()
                || name.equals("SRC")
                || name.equals("OUT")
                || name.equals("HOME")) {
              throw fail(
                  path,
                  vt.getKeyNode(),
                  field + ".variables: '" + name + "' is not an allowed variable name");
            }
            vars.put(
                name,
                isNull(vt.getValueNode())
                    ? ""
                    : scalar(path, vt.getValueNode(), field + ".variables." + name));
          }
        }
        default -> {
          // unknown keys are ignored
        }
      }
    }
    return new Env(image, vars, network);
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
  }

  private static MappingNode mapping(String path, Node n, String field) throws BuildFailure {
    if (n instanceof MappingNode m) {
      return m;
    }
    throw fail(path, n, field + " must be a mapping");
  }

  private static String scalar(String path, Node n, String field) throws BuildFailure {
    if (n instanceof ScalarNode s) {
      return s.getValue();
    }
    throw fail(path, n, field + " must be a single value");
  }

  private static BuildFailure fail(String path, Node n, String message) {
    return new BuildFailure(
        path
            + ":"
            + (n.getStartMark().getLine() + 1)
            + ":"
            + (n.getStartMark().getColumn() + 1)
            + ": "
            + message);
  }
}
