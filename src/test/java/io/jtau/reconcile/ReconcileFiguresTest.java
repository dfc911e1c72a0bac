package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.TestGit;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures of the reconcile loop, printed (never asserted against the clock): the cost of a no-op
 * reconcile and of a one-function change in a 1,000-function project.
 */
class ReconcileFiguresTest {

  static final int FUNCTIONS = 1000;

  @TempDir Path dir;

  static Map<String, TestGit.Entry> config(int changed, String path) {
    Map<String, TestGit.Entry> files = ReconcileFixture.config("big.example.test", 0, "");
    for (int i = 0; i < FUNCTIONS; i++) {
      String p = i == changed ? path : "/f" + i;
      files.put(
          "functions/f" + i + ".yaml",
          TestGit.file(ReconcileFixture.function(i, p).replace("call: f" + i, "call: f")));
    }
    return files;
  }

  @Test
  void noOpAndOneFunctionChangeInAThousandFunctionProject() throws Exception {
    ProjectKey key = new ProjectKey("big", "main");
    try (ReconcileFixture f = new ReconcileFixture(dir, b -> b)) {
      Map<String, TestGit.Entry> code = new HashMap<>();
      String wat = ReconcileFixture.wat("f", "same code in every function");
      for (int i = 0; i < FUNCTIONS; i++) {
        code.put("functions/f" + i + "/main.wat", TestGit.file(wat));
      }
      f.commitCode("big", code);
      f.commitConfig("big", config(-1, ""));
      long t0 = System.nanoTime();
      assertThat(f.reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Done.class);
      double firstMs = (System.nanoTime() - t0) / 1e6;
      assertThat(f.gateway.observe(key)).hasSize(FUNCTIONS);

      // No-op: the heads did not move.
      int noOps = 20_000;
      for (int i = 0; i < 2_000; i++) {
        f.reconciler.reconcile(key);
      }
      long n0 = System.nanoTime();
      for (int i = 0; i < noOps; i++) {
        f.reconciler.reconcile(key);
      }
      double noOpMicros = (System.nanoTime() - n0) / 1e3 / noOps;
      assertThat(f.reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Done.class);
      long h0 = System.nanoTime();
      for (int i = 0; i < noOps; i++) {
        f.git.find("big", "config").orElseThrow().head("main");
        f.git.find("big", "code").orElseThrow().head("main");
      }
      double refMicros = (System.nanoTime() - h0) / 1e3 / noOps;

      // One function changes its path, ten times; the rest is cached (parses, builds).
      List<Double> changeMs = new ArrayList<>();
      Map<String, Long> stepNanos = new java.util.LinkedHashMap<>();
      for (int round = 0; round < 10; round++) {
        f.commitConfig("big", config(500, "/changed" + round));
        long c0 = System.nanoTime();
        ReconcileResult r = f.reconciler.reconcile(key);
        changeMs.add((System.nanoTime() - c0) / 1e6);
        assertThat(r).isInstanceOf(ReconcileResult.Done.class);
        assertThat(((ReconcileResult.Done) r).changed()).isTrue();
        f.reconciler.lastRunSteps(key).forEach((k, v) -> stepNanos.merge(k, v, Long::sum));
      }
      Collections.sort(changeMs);
      System.out.printf(
          "reconcile figures: first deploy of %d functions %.0f ms; no-op reconcile %.2f µs (of"
              + " which the two branch-head lookups alone %.2f µs);"
              + " one-function change in a %d-function project p50 %.1f ms, max %.1f ms"
              + " (10 runs)%n",
          FUNCTIONS,
          firstMs,
          noOpMicros,
          refMicros,
          FUNCTIONS,
          changeMs.get(changeMs.size() / 2),
          changeMs.get(changeMs.size() - 1));
      StringBuilder steps = new StringBuilder("one-function change, mean ms per step:");
      stepNanos.forEach(
          (k, v) -> steps.append(String.format(" %s %.1f;", k, v / 1e6 / changeMs.size())));
      System.out.println(steps);
      assertThat(f.builds.buildsRun()).as("one build for identical code").isEqualTo(1);
    }
  }
}
