package io.jtau.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.jtau.ChildJvm;
import io.jtau.model.Cid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Child JVMs: a kill -9 in the middle of writes, and a 100 MB round trip on a small heap. */
class StoreCrashTest {

  private static final long TIMEOUT_SECONDS = 120;

  @TempDir Path dir;

  @Test
  void every_acknowledged_put_survives_kill_9() throws Exception {
    Path root = dir.resolve("store");
    Process child = start(List.of(), "write", root.toString(), "100");
    BlockingQueue<String> lines = ChildJvm.lines(child);
    Map<Integer, Cid> acked = new LinkedHashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    boolean aliveAtKill;
    try {
      while (acked.size() < 20) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(line).as("child output before timeout; stderr: %s", stderr()).isNotNull();
        if (line.startsWith("ack ")) {
          String[] parts = line.split(" ");
          acked.put(Integer.parseInt(parts[1]), new Cid(parts[2]));
        }
      }
      aliveAtKill = child.isAlive();
      child.destroyForcibly(); // SIGKILL on Unix
      assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    // acks printed between our last read and the kill count too
    String late;
    while ((late = lines.poll(2, TimeUnit.SECONDS)) != null) {
      if (late.startsWith("ack ")) {
        String[] parts = late.split(" ");
        acked.put(Integer.parseInt(parts[1]), new Cid(parts[2]));
      }
    }
    assumeThat(aliveAtKill).as("child still writing when killed").isTrue();
    assertThat(acked.size()).isLessThan(100);

    try (FileContentStore store = new FileContentStore(root)) {
      for (Map.Entry<Integer, Cid> e : acked.entrySet()) {
        assertThat(store.has(e.getValue())).as("object %s", e.getKey()).isTrue();
        assertThat(store.read(e.getValue())).isEqualTo(StoreChildMain.object(e.getKey()));
        assertThat(store.owners(e.getValue())).contains("build:" + e.getKey());
      }
      assertThat(store.verify().healthy()).isTrue();
      // the store keeps working after the crash
      Cid after = store.put("after the crash".getBytes(StandardCharsets.UTF_8));
      assertThat(store.read(after)).asString(StandardCharsets.UTF_8).isEqualTo("after the crash");
    }
  }

  @Test
  void a_100_mb_file_streams_through_a_32_mb_heap() throws Exception {
    long size = 100L * 1024 * 1024;
    Process child =
        start(List.of("-Xmx32m"), "roundtrip", dir.resolve("big").toString(), "" + size);
    BlockingQueue<String> lines = ChildJvm.lines(child);
    String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("exit; stderr: %s", stderr()).isZero();
    assertThat(line).isNotNull();
    String[] parts = line.split(" ");
    assertThat(parts[1]).isEqualTo(UnixFs.cidOf(UnixFsTest.pattern(size)).value());
    assertThat(parts[2]).isEqualTo(sha256(size));
  }

  private Process start(List<String> jvmArgs, String... args) throws IOException {
    List<String> all = new ArrayList<>(jvmArgs);
    all.addAll(List.of("--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"));
    return ChildJvm.start(dir.resolve("child.err"), all, StoreChildMain.class, List.of(args));
  }

  private String stderr() {
    return ChildJvm.stderr(dir.resolve("child.err"));
  }

  private static String sha256(long size) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[65536];
    try (var in = UnixFsTest.pattern(size)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
