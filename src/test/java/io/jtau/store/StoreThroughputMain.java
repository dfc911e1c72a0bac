package io.jtau.store;

import io.jtau.model.Cid;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A quick throughput run for {@code bench/store-vs-disk.sh} (not a unit test; JMH sources are in
 * {@code src/jmh}). {@code StoreThroughputMain WORKDIR SIZE_BYTES ROUNDS} writes a random file of
 * SIZE bytes, then for each round puts it into a fresh store (durable) and reads it back
 * (verified), printing the median times.
 */
public final class StoreThroughputMain {

  private StoreThroughputMain() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    long size = Long.parseLong(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Files.createDirectories(work);
    Path source = work.resolve("source-" + size + ".bin");
    if (!Files.exists(source) || Files.size(source) != size) {
      byte[] buf = new byte[1 << 20];
      Random random = new Random(42);
      try (OutputStream out = Files.newOutputStream(source)) {
        for (long left = size; left > 0; left -= buf.length) {
          random.nextBytes(buf);
          out.write(buf, 0, (int) Math.min(buf.length, left));
        }
      }
    }
    List<Long> puts = new ArrayList<>();
    List<Long> gets = new ArrayList<>();
    byte[] sink = new byte[1 << 16];
    for (int round = 0; round < rounds; round++) {
      Path root = work.resolve("store-" + round);
      try (FileContentStore store = new FileContentStore(root)) {
        long t0 = System.nanoTime();
        Cid cid;
        try (InputStream in = Files.newInputStream(source)) {
          cid = store.put(in);
        }
        long t1 = System.nanoTime();
        try (InputStream in = store.open(cid)) {
          while (in.read(sink) > 0) {
            // drain
          }
        }
        long t2 = System.nanoTime();
        puts.add(t1 - t0);
        gets.add(t2 - t1);
      }
    }
    long put = median(puts);
    long get = median(gets);
    System.out.printf(
        "size=%d put_ms=%.1f put_MBps=%.1f get_ms=%.1f get_MBps=%.1f%n",
        size, put / 1e6, size / 1e6 / (put / 1e9), get / 1e6, size / 1e6 / (get / 1e9));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
