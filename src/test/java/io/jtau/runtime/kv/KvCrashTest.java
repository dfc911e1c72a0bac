package io.jtau.runtime.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of a child JVM in the middle of 1,000 durable puts, from one writer (each put commits on
 * its own thread) and from eight (leaders change, batches shared): every acknowledged put survives.
 */
class KvCrashTest {

  private static final long TIMEOUT_SECONDS = 120;
  private static final int PUTS = 1000;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} writer(s)")
  @ValueSource(ints = {1, 8})
  void every_acknowledged_put_survives_kill_9(int writers) throws Exception {
    Path data = dir.resolve("kv");
    Process child = start(data.toString(), "" + PUTS, "" + writers);
    BlockingQueue<String> lines = ChildJvm.lines(child);
    TreeSet<Integer> acked = new TreeSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    try {
      // kill somewhere in the middle of the run: after a third of the puts were acknowledged
      while (acked.size() < PUTS / 3) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(line).as("child output before timeout; stderr: %s", stderr()).isNotNull();
        if (line.startsWith("ack ")) {
          acked.add(Integer.parseInt(line.substring(4)));
        }
      }
      assertThat(child.isAlive()).isTrue();
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String late;
    while ((late = lines.poll(2, TimeUnit.SECONDS)) != null) {
      if (late.startsWith("ack ")) {
        acked.add(Integer.parseInt(late.substring(4)));
      }
    }
    assertThat(acked).hasSizeGreaterThanOrEqualTo(PUTS / 3);

    try (KvStore kv = new KvStore(data, KvStore.Settings.defaults())) {
      KvDatabase db = kv.open(new DatabaseId("crash", "", "QmDb", "ledger"), Long.MAX_VALUE);
      List<Integer> lost = new ArrayList<>();
      for (int i : acked) {
        byte[] v = db.get(KvChildMain.key(i));
        if (v == null || !java.util.Arrays.equals(v, KvChildMain.value(i))) {
          lost.add(i);
        }
      }
      assertThat(lost).as("acknowledged puts missing after kill -9").isEmpty();
      // the usage bookkeeping is consistent with what is stored
      long keys = db.list(new byte[0]).size();
      assertThat(db.usage().keys()).isEqualTo(keys);
      // and the store keeps working
      db.put("after".getBytes(StandardCharsets.UTF_8), new byte[] {1});
      assertThat(db.get("after".getBytes(StandardCharsets.UTF_8))).containsExactly(1);
    }
  }

  private Process start(String... args) throws IOException {
    return ChildJvm.start(
        dir.resolve("child.err"),
        List.of("--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"),
        KvChildMain.class,
        List.of(args));
  }

  private String stderr() {
    return ChildJvm.stderr(dir.resolve("child.err"));
  }
}
