package io.jtau.runtime.kv;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of {@link KvStore} for {@code bench/kv-vs-redis.sh}: durable puts from one writer and
 * from 16 concurrent writers (group commit), and gets from 1 and 16 readers. Values are 3 bytes, as
 * redis-benchmark's default. Usage: {@code KvBenchMain DIR PUTS GETS}.
 */
public final class KvBenchMain {

  private KvBenchMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int puts = Integer.parseInt(args[1]);
    int gets = Integer.parseInt(args[2]);
    byte[] value = "xxx".getBytes(StandardCharsets.UTF_8);
    try (KvStore kv = new KvStore(dir, KvStore.Settings.defaults())) {
      KvDatabase db = kv.open(new DatabaseId("bench", "", "QmDb", "bench"), Long.MAX_VALUE);
      long t0 = System.nanoTime();
      for (int i = 0; i < puts; i++) {
        db.put(key(i), value);
      }
      double single = puts / ((System.nanoTime() - t0) / 1e9);
      long commits = kv.commits();
      double sixteen = parallel(16, puts * 4, i -> db.put(key(puts + i), value));
      double batch = (double) (puts * 4) / (kv.commits() - commits);
      double get1 = parallel(1, gets, i -> db.get(key(i % puts)));
      double get16 = parallel(16, gets, i -> db.get(key(i % puts)));
      System.out.printf(
          "jtau-kv durable_put_per_s_1_writer=%.0f durable_put_per_s_16_writers=%.0f"
              + " puts_per_commit_16_writers=%.1f get_per_s_1_reader=%.0f get_per_s_16_readers=%.0f%n",
          single, sixteen, batch, get1, get16);
    }
  }

  interface Op {
    void run(int i) throws Exception;
  }

  static byte[] key(int i) {
    return ("key:" + i).getBytes(StandardCharsets.UTF_8);
  }

  static double parallel(int threads, int total, Op op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      int each = total / threads;
      long t0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * each;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    op.run(base + i);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(10, TimeUnit.MINUTES);
      }
      return (double) each * threads / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
