package io.jtau.store;

import io.jtau.model.Cid;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Put and get throughput of {@link FileContentStore} for 1 MB and 100 MB files. Not part of {@code
 * mvn verify}: this folder is not a Maven source root and JMH is not a dependency. To run, compile
 * it with JMH's annotation processor against target/classes (see bench/store-vs-disk.sh for a
 * JMH-free quick run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class StoreBenchmark {

  @Param({"1048576", "104857600"})
  public int size;

  private byte[] content;
  private Path root;
  private FileContentStore store;
  private Cid stored;

  @Setup(Level.Trial)
  public void content() {
    content = new byte[size];
    new Random(42).nextBytes(content);
  }

  @Setup(Level.Iteration)
  public void open() throws IOException {
    root = Files.createTempDirectory("jtau-store-bench");
    store = new FileContentStore(root);
    stored = store.put(content);
  }

  @TearDown(Level.Iteration)
  public void close() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A durable put of new content (a fresh random prefix defeats deduplication). */
  @Benchmark
  public Cid put() throws IOException {
    content[0]++;
    return store.put(new ByteArrayInputStream(content));
  }

  /** A verified streaming read of the whole file. */
  @Benchmark
  public void get(Blackhole bh) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = store.open(stored)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        bh.consume(n);
      }
    }
  }
}
