package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.ChildJvm;
import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a reconciling child JVM at a random point of 50 reconciles: on reopen the registry
 * holds every acknowledged {@code current} in order, no half snapshot, and a fresh reconciler
 * converges to the branch head.
 */
class ReconcileCrashTest {

  private static final long TIMEOUT_SECONDS = 180;
  private static final int RECONCILES = 50;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedCurrentSurvivesKill9AndTheLoopConverges() throws Exception {
    long seed = System.nanoTime();
    int killAfter = 3 + new Random(seed).nextInt(RECONCILES - 10);
    System.out.printf("reconcile crash test: seed %d, kill after %d acks%n", seed, killAfter);
    Path data = dir.resolve("node");
    Process child = start(data);
    BlockingQueue<String> lines = ChildJvm.lines(child);
    List<String> acked = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    try {
      while (acked.size() < killAfter) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(line).as("child output before timeout; stderr: %s", stderr()).isNotNull();
        assertThat(line).as("child line").doesNotStartWith("fail");
        if (line.startsWith("ack ")) {
          acked.add(line.split(" ")[2]);
        }
      }
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String late;
    while ((late = lines.poll(1, TimeUnit.SECONDS)) != null) {
      if (late.startsWith("ack ")) {
        acked.add(late.split(" ")[2]);
      }
    }
    ProjectKey key = new ProjectKey("crash", "main");
    try (ReconcileFixture f = new ReconcileFixture(data, b -> b)) {
      List<String> history = new ArrayList<>();
      for (HistoryEntry h : f.registry.history(key, 1000)) {
        history.add(0, h.revision());
      }
      // Every acknowledged revision became current, in acknowledgement order.
      assertThat(history.subList(0, acked.size())).containsExactlyElementsOf(acked);
      // At most one more publication committed after the last ack the parent saw.
      assertThat(history.size()).isBetween(acked.size(), acked.size() + 1);
      Snapshot current = f.registry.current(key).orElseThrow();
      assertThat(current.revision()).isEqualTo(history.get(history.size() - 1));
      for (String rev : history) {
        assertWhole(f.registry.snapshot(key, rev).orElseThrow(), f);
      }
      ReconcileResult r = f.reconciler.reconcile(key);
      assertThat(r).isInstanceOf(ReconcileResult.Done.class);
      assertThat(((ReconcileResult.Done) r).revision()).isEqualTo(f.headRevision("crash"));
      assertThat(f.registry.current(key).orElseThrow().revision())
          .isEqualTo(f.headRevision("crash"));
      assertThat(f.gateway.observe(key)).hasSize(2);
      System.out.printf(
          "reconcile crash test: %d acks, %d in history, converged to %s%n",
          acked.size(), history.size(), f.headRevision("crash"));
    }
  }

  /** A snapshot is whole: every function has its artifact, stored in the content store. */
  private static void assertWhole(Snapshot s, ReconcileFixture f) {
    List<Resource.Function> fns = s.config().all(Resource.Function.class);
    assertThat(fns).hasSize(2);
    for (Resource.Function fn : fns) {
      String cid = s.assets().get(Snapshot.assetKey(fn));
      assertThat(cid).as("artifact of %s in %s", fn.name(), s.revision()).isNotNull();
      assertThat(f.store.has(new io.jtau.model.Cid(cid))).isTrue();
    }
    assertThat(s.indexes()).isNotEmpty();
  }

  private Process start(Path data) throws IOException {
    return ChildJvm.start(
        dir.resolve("child.err"),
        List.of("-Xmx256m"),
        ReconcileChildMain.class,
        List.of(data.toString(), Integer.toString(RECONCILES)));
  }

  private String stderr() {
    return ChildJvm.stderr(dir.resolve("child.err"));
  }
}
