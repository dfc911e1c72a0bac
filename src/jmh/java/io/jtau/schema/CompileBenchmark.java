package io.jtau.schema;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Config compile of a 1,000-function project (plus 100 websites and 100 databases, 1,202 files):
 * from scratch, after a one-file change (the compiler keeps parses of unchanged blobs), and with
 * nothing changed. Targets: full under 1 s, one-file change under 50 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompileBenchmark {

  private Map<String, RepoFile> files;
  private RepoTree base;
  private RepoTree changedA;
  private RepoTree changedB;
  private ConfigCompiler warm;
  private boolean flip;

  @Setup(Level.Trial)
  public void project() {
    files = CompileScaleTest.repo(1000, 100, 100);
    base = RepoTree.of("base", files);
    changedA = variant("a", "/seven-a");
    changedB = variant("b", "/seven-b");
    warm = new ConfigCompiler(CompileOptions.defaults());
    warm.compile(base);
  }

  private RepoTree variant(String commit, String path) {
    Map<String, RepoFile> m = new TreeMap<>(files);
    byte[] b =
        ("id: "
                + Cids.hash("f7")
                + "\ntrigger: {type: https, method: POST, paths: ["
                + path
                + "], domains: [main]}\nsource: .\nexecution: {timeout: 5s, memory: 16MiB, call:"
                + " seven}\n")
            .getBytes(StandardCharsets.UTF_8);
    m.put("functions/f7.yaml", new RepoFile("functions/f7.yaml", LocalRepoReader.blobId(b), b));
    return RepoTree.of(commit, m);
  }

  /** A cold compiler: every file parsed and validated. */
  @Benchmark
  public CompileResult full() {
    return new ConfigCompiler(CompileOptions.defaults()).compile(base);
  }

  /** One function file differs from the previous compile (alternating between two versions). */
  @Benchmark
  public CompileResult oneFileChange() {
    flip = !flip;
    return warm.compile(flip ? changedA : changedB);
  }

  /** The same tree again (what a no-op reconcile would pay if it compiled at all). */
  @Benchmark
  public CompileResult unchanged() {
    return warm.compile(flip ? changedA : changedB);
  }
}
