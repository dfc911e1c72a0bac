package io.jtau.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jtau.model.Problem;
import io.jtau.model.RepoTree;
import io.jtau.model.Resource;
import io.jtau.model.ResourceKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code tau validate}: compiles a config repository folder from disk and prints its problems, one
 * per line as {@code /file:line:col field: message}, followed by a summary of resources per kind;
 * or one JSON document with {@code --json}. Plain Java (no framework). Stateless; thread-safe.
 */
public final class Validator {

  private Validator() {}

  /**
   * Validates {@code dir}.
   *
   * @return 0 when the repository compiles (warnings allowed), 1 otherwise
   */
  public static int run(Path dir, PrintStream out, PrintStream err, boolean json) {
    RepoTree tree;
    try {
      tree = LocalRepoReader.read(dir);
    } catch (IOException e) {
      err.println("tau validate: cannot read " + dir + ": " + e.getMessage());
      return 1;
    }
    CompileResult result = new ConfigCompiler(CompileOptions.defaults()).compile(tree);
    Map<ResourceKind, Integer> counts = new EnumMap<>(ResourceKind.class);
    if (result.config() != null) {
      for (Resource r : result.config().resources()) {
        counts.merge(r.kind(), 1, Integer::sum);
      }
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("ok", result.ok());
      doc.put("errors", result.errors().size());
      doc.put("warnings", result.warnings().size());
      doc.put("problems", result.problems().stream().map(Validator::json).toList());
      Map<String, Integer> summary = new LinkedHashMap<>();
      counts.forEach((k, v) -> summary.put(k.folder(), v));
      doc.put("resources", summary);
      if (result.config() != null) {
        doc.put("applications", result.config().applications().size());
      }
      try {
        out.println(
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
      } catch (IOException e) {
        err.println("tau validate: " + e.getMessage());
        return 1;
      }
      return result.ok() ? 0 : 1;
    }
    for (Problem p : result.problems()) {
      out.println(p);
    }
    if (result.ok()) {
      StringBuilder b = new StringBuilder("ok: ");
      if (counts.isEmpty()) {
        b.append("no resources");
      }
      String sep = "";
      for (Map.Entry<ResourceKind, Integer> e : counts.entrySet()) {
        b.append(sep).append(e.getValue()).append(' ').append(e.getKey().folder());
        sep = ", ";
      }
      b.append(", ").append(result.config().applications().size()).append(" applications");
      if (!result.warnings().isEmpty()) {
        b.append(" (").append(result.warnings().size()).append(" warnings)");
      }
      out.println(b);
      return 0;
    }
    out.println(
        "failed: " + result.errors().size() + " errors, " + result.warnings().size() + " warnings");
    return 1;
  }

  private static Map<String, Object> json(Problem p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("severity", p.severity().name().toLowerCase(java.util.Locale.ROOT));
    m.put("file", p.file());
    m.put("line", p.line());
    m.put("column", p.column());
    m.put("field", p.field());
    m.put("message", p.message());
    m.put("text", p.toString());
    return m;
  }
}
