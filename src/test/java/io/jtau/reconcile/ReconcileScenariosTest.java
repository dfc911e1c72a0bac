package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.ProjectConfig;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import io.jtau.schema.CompileOptions;
import io.jtau.schema.CompileResult;
import io.jtau.schema.ConfigCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * Every folder {@code reconciler/NNN-name/} is a test: compile {@code before/} (absent = nothing
 * deployed) and {@code after/}, plan between them, and compare with {@code expected-plan.yaml}.
 * Applying the plan to the before-inventory must give the after-inventory.
 */
class ReconcileScenariosTest {

  static final Path ROOT = Path.of("reconciler");

  @TestFactory
  Stream<DynamicTest> scenarios() throws IOException {
    List<Path> dirs;
    try (Stream<Path> list = Files.list(ROOT)) {
      dirs = list.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(dirs).as("scenario folders under %s", ROOT.toAbsolutePath()).hasSizeGreaterThan(5);
    return dirs.stream()
        .map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> run(d)));
  }

  @SuppressWarnings("unchecked")
  static void run(Path dir) throws IOException {
    ProjectConfig before =
        Files.isDirectory(dir.resolve("before")) ? compile(dir.resolve("before")) : null;
    ProjectConfig after = compile(dir.resolve("after"));
    Map<String, Object> expected;
    try (InputStream in = Files.newInputStream(dir.resolve("expected-plan.yaml"))) {
      expected = new Yaml().load(in);
    }
    List<String> lines = (List<String>) expected.get("plan");
    Plan plan = Plan.between(before, after);
    assertThat(plan.lines()).as(dir + "/expected-plan.yaml").containsExactlyElementsOf(lines);
    assertThat(Inventory.of(before).apply(plan)).isEqualTo(Inventory.of(after));
  }

  static ProjectConfig compile(Path dir) throws IOException {
    Map<String, RepoFile> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        files.put(rel, new RepoFile(rel, "", Files.readAllBytes(p)));
      }
    }
    CompileResult r =
        new ConfigCompiler(new CompileOptions("main", "dream.localhost", "g.dream.localhost", true))
            .compile(RepoTree.of("scenario", files));
    assertThat(r.errors()).as("%s compiles", dir).isEmpty();
    return r.config();
  }
}
