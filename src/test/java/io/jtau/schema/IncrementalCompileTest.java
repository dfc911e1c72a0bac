package io.jtau.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A long-lived compiler (parses and document readings cached by blob) gives exactly what a fresh
 * compiler gives for every commit of a random edit sequence, valid or not.
 */
class IncrementalCompileTest {

  private static void put(Map<String, RepoFile> m, String path, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    m.put(path, new RepoFile(path, LocalRepoReader.blobId(b), b));
  }

  @Test
  void randomEditsCompileIncrementallyEqualAFreshCompile() {
    Random random = new Random(7);
    Map<String, RepoFile> files = new TreeMap<>(CompileScaleTest.repo(40, 3, 3));
    ConfigCompiler warm = new ConfigCompiler(CompileOptions.defaults());
    warm.compile(RepoTree.of("c0", files));
    int errors = 0;
    for (int step = 1; step <= 80; step++) {
      String what = edit(random, files);
      RepoTree tree = RepoTree.of("c" + step, files);
      CompileResult incremental = warm.compile(tree);
      CompileResult fresh = new ConfigCompiler(CompileOptions.defaults()).compile(tree);
      assertThat(incremental).as("step %d: %s", step, what).isEqualTo(fresh);
      errors += incremental.ok() ? 0 : 1;
    }
    // The edits reach both outcomes, so cached problems are compared too.
    assertThat(errors).isBetween(5, 75);
    assertThat(warm.docReadCount()).as("documents read field by field").isLessThan(40 * 10L);
  }

  @Test
  void aCachedDocumentReportsItsProblemsAgainInTheNextCompile() {
    Map<String, RepoFile> files = new TreeMap<>(CompileScaleTest.repo(3, 0, 0));
    put(
        files,
        "functions/f1.yaml",
        "id: "
            + Cids.hash("f1")
            + "\nbogus: 1\ntrigger: {type: https, method: GET, paths: [/a],"
            + " domains: [main]}\nsource: .\nexecution: {timeout: 5s, memory: 16MiB, call: f}\n");
    ConfigCompiler compiler = new ConfigCompiler(CompileOptions.defaults());
    CompileResult first = compiler.compile(RepoTree.of("c1", files));
    put(files, "functions/f2.yaml", text(files, "functions/f2.yaml").replace("/f2", "/two"));
    CompileResult second = compiler.compile(RepoTree.of("c2", files));
    assertThat(first.warnings())
        .extracting(Object::toString)
        .anySatisfy(p -> assertThat(p).contains("/functions/f1.yaml").contains("bogus"));
    assertThat(second.warnings()).isEqualTo(first.warnings());
  }

  private static String text(Map<String, RepoFile> files, String path) {
    return new String(files.get(path).content(), StandardCharsets.UTF_8);
  }

  private static String valid(int i) {
    return "id: "
        + Cids.hash("f" + i)
        + "\ntrigger: {type: https, method: GET, paths: [/f"
        + i
        + "], domains: [main]}\nsource: .\nexecution: {timeout: 5s, memory: 16MiB, call: f"
        + i
        + "}\n";
  }

  /** One random edit; returns what it did. */
  private static String edit(Random random, Map<String, RepoFile> files) {
    int i = random.nextInt(45);
    String path = "functions/f" + i + ".yaml";
    String id = Cids.hash("f" + i);
    switch (random.nextInt(8)) {
      case 0 -> {
        files.remove(path);
        return "remove " + path;
      }
      case 1 -> {
        put(
            files,
            path,
            "id: not-a-cid\ntrigger: {type: https, method: GET, paths: [/x"
                + i
                + "],"
                + " domains: [main]}\nsource: .\nexecution: {timeout: 5s, memory: 16MiB, call: f}\n");
        return "bad id in " + path;
      }
      case 2 -> {
        put(
            files,
            path,
            "id: "
                + id
                + "\ntrigger: {type: https, method: GET, paths: [/f0],"
                + " domains: [main]}\nsource: .\nexecution: {timeout: 5s, memory: 16MiB, call: f}\n");
        return "route of f0 claimed by " + path;
      }
      case 3 -> {
        put(
            files,
            path,
            "id: "
                + id
                + "\nunknown: key\ntrigger: {type: https, method: POST,"
                + " paths: [/p"
                + random.nextInt(1000)
                + "], domains: [main]}\nsource: .\n"
                + "execution: {timeout: 5s, memory: 16MiB, call: g}\n");
        return "unknown key and new path in " + path;
      }
      case 4 -> {
        put(
            files,
            path,
            "id: "
                + id
                + "\ntrigger: {type: https, method: GET, paths: [/f"
                + i
                + "], domains: [nowhere]}\nsource: .\nexecution: {timeout: 5s, memory: 16MiB, call: f}\n");
        return "unknown domain in " + path;
      }
      case 5 -> {
        put(files, path, "id: [broken\n");
        return "broken yaml in " + path;
      }
      default -> {
        // Every function valid again, so the sequence keeps reaching both outcomes.
        for (int j = 0; j < 45; j++) {
          put(files, "functions/f" + j + ".yaml", valid(j));
        }
        return "restore all";
      }
    }
  }
}
