package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.TestGit;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.model.Snapshot;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental path (blobs read by tree diff, parses and document readings reused, only changed
 * index links written) ends every commit of a random edit sequence with the same snapshot and the
 * same routes as a node that reconciles that commit from scratch.
 */
class IncrementalReconcileTest {

  static final int FUNCTIONS = 30;

  @TempDir Path dir;

  @Test
  void randomEditsReconcileIncrementallyEqualAFromScratchReconcile() throws Exception {
    Random random = new Random(11);
    ProjectKey key = new ProjectKey("p", "main");
    try (ReconcileFixture f = new ReconcileFixture(dir, b -> b)) {
      Map<String, TestGit.Entry> config = ReconcileFixture.config("p.example.test", FUNCTIONS, "");
      Map<String, TestGit.Entry> code = ReconcileFixture.code(FUNCTIONS + 5, "hello ");
      f.commitCode("p", code);
      f.commitConfig("p", config);
      assertThat(f.reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Done.class);
      int stalls = 0;
      for (int step = 1; step <= 25; step++) {
        String what = edit(random, config, code);
        if (what.startsWith("code")) {
          f.commitCode("p", code);
        } else {
          f.commitConfig("p", config);
        }
        ReconcileResult incremental = f.reconciler.reconcile(key);
        try (ReconcileFixture.Fresh fresh = f.fresh(dir.resolve("fresh-" + step))) {
          ReconcileResult scratch = fresh.reconciler().reconcile(key);
          assertThat(incremental.getClass())
              .as("step %d: %s", step, what)
              .isEqualTo(scratch.getClass());
          if (incremental instanceof ReconcileResult.Stalled s) {
            stalls++;
            assertThat(s.message()).isEqualTo(((ReconcileResult.Stalled) scratch).message());
            continue;
          }
          Snapshot a = f.registry.current(key).orElseThrow();
          Snapshot b = fresh.registry().current(key).orElseThrow();
          assertThat(a.revision()).as("step %d: %s", step, what).isEqualTo(b.revision());
          assertThat(a.config()).as("step %d: %s", step, what).isEqualTo(b.config());
          assertThat(a.assets()).as("step %d: %s", step, what).isEqualTo(b.assets());
          assertThat(a.compiled()).as("step %d: %s", step, what).isEqualTo(b.compiled());
          assertThat(a.warnings()).as("step %d: %s", step, what).isEqualTo(b.warnings());
          assertThat(f.gateway.observe(key))
              .as("step %d: %s", step, what)
              .isEqualTo(fresh.gateway().observe(key));
          // The index links, written incrementally, equal the ones written in one go.
          for (String indexKey : b.indexes().keySet()) {
            assertThat(f.registry.links(indexKey)).isEqualTo(fresh.registry().links(indexKey));
          }
          for (String indexKey : a.indexes().keySet()) {
            assertThat(f.registry.links(indexKey)).containsKey(key);
          }
        }
      }
      assertThat(stalls).as("some edits were invalid").isPositive();
    }
  }

  /** One random edit of the config or the code; returns what it did. */
  private static String edit(
      Random random, Map<String, TestGit.Entry> config, Map<String, TestGit.Entry> code) {
    int i = random.nextInt(FUNCTIONS + 5);
    String path = "functions/f" + i + ".yaml";
    switch (random.nextInt(7)) {
      case 0 -> {
        config.remove(path);
        return "remove " + path;
      }
      case 1 -> {
        config.put(path, TestGit.file(ReconcileFixture.function(i, "/moved" + random.nextInt(99))));
        return "move " + path;
      }
      case 2 -> {
        config.put(path, TestGit.file("id: [broken\n"));
        return "break " + path;
      }
      case 3 -> {
        code.put(
            "functions/f" + i + "/main.wat",
            TestGit.file(ReconcileFixture.wat("f" + i, "changed " + random.nextInt(99))));
        return "code of f" + i;
      }
      case 4 -> {
        config.put(
            "domains/web.yaml",
            TestGit.file(
                "id: QmcC7ojJDKUiq2c5Kfny6HhFXfq7jiBUy6whUpAa512a4o\nfqdn: p"
                    + random.nextInt(3)
                    + ".example.test\n"));
        return "domain host";
      }
      default -> {
        config.put(path, TestGit.file(ReconcileFixture.function(i, "/f" + i)));
        return "restore " + path;
      }
    }
  }
}
