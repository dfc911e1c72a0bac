package io.jtau.reconcile;

import io.jtau.TestGit;
import io.jtau.app.PinnedRegistry;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reconcile of a 1,000-function project on the real stack of {@link ReconcileFixture} (JGit
 * repositories, Xodus registry with durable writes wrapped as the node wraps it with the content
 * store's snapshot pins, 1,000 distinct WAT modules, gateway): a no-op (heads unchanged) and a
 * one-function change (a config commit that moves one function's path). Sample-time mode, so JMH
 * reports p50/p95. Each change's commit is made in an untimed per-call setup. Per-step means of the
 * change runs are printed at the end. Not part of {@code mvn verify}: run it with {@code
 * bench/run.sh reconcile}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xss4m"})
public class ReconcileBenchmark {

  static final int FUNCTIONS = 1000;

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

  /** A deployed 1,000-function project in a temporary folder. */
  public abstract static class Deployed {
    final ProjectKey key = new ProjectKey("big", "main");
    Path dir;
    ReconcileFixture fixture;

    void deploy() throws Exception {
      dir = Files.createTempDirectory("reconcile-bench");
      // The registry as the node wraps it: every asset of every kept snapshot pinned in the store.
      fixture = new ReconcileFixture(dir, b -> b, PinnedRegistry::new);
      Map<String, TestGit.Entry> code = new HashMap<>();
      for (int i = 0; i < FUNCTIONS; i++) {
        // Each function its own module, so a snapshot holds 1,000 distinct assets to pin.
        code.put(
            "functions/f" + i + "/main.wat",
            TestGit.file(ReconcileFixture.wat("f", "the code of function " + i)));
      }
      fixture.commitCode("big", code);
      fixture.commitConfig("big", config(-1, ""));
      ReconcileResult first = fixture.reconciler.reconcile(key);
      if (!(first instanceof ReconcileResult.Done)) {
        throw new IllegalStateException("first deploy did not apply: " + first);
      }
    }

    void close() throws IOException {
      fixture.close();
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Heads never move: every run is a no-op. */
  @State(Scope.Benchmark)
  public static class Unchanged extends Deployed {
    @Setup(Level.Trial)
    public void setUp() throws Exception {
      deploy();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      close();
    }
  }

  /** Before every run, an untimed config commit moves function 500 to a new path. */
  @State(Scope.Benchmark)
  public static class OneChange extends Deployed {
    private int round;
    private long runs;
    private final Map<String, Long> stepNanos = new LinkedHashMap<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      deploy();
    }

    @Setup(Level.Invocation)
    public void commitNextChange() throws Exception {
      round++;
      fixture.commitConfig("big", config(500, "/changed" + round));
    }

    @TearDown(Level.Invocation)
    public void recordSteps() {
      runs++;
      fixture.reconciler.lastRunSteps(key).forEach((k, v) -> stepNanos.merge(k, v, Long::sum));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      StringBuilder b = new StringBuilder("STEPS one-function change, mean ms per step:");
      stepNanos.forEach((k, v) -> b.append(String.format(" %s=%.2f", k, v / 1e6 / runs)));
      System.out.println(b);
      close();
    }
  }

  @Benchmark
  public ReconcileResult oneFunctionChange(OneChange s) {
    ReconcileResult r = s.fixture.reconciler.reconcile(s.key);
    if (!(r instanceof ReconcileResult.Done d) || !d.changed()) {
      throw new IllegalStateException("the change did not apply: " + r);
    }
    return r;
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public ReconcileResult noOp(Unchanged s) {
    return s.fixture.reconciler.reconcile(s.key);
  }
}
