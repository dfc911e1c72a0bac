package io.jtau.runtime.kv;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Single-writer durable put latency of two builds of {@code KvStore} in one JVM, for {@code
 * bench/kv-paired.sh}: each build is loaded from its own classes folder (with the same Xodus jars)
 * and the two alternate in blocks of puts, the order swapped every block, so both see the same disk
 * and the same neighbours. On a shared machine, where the fsync latency swings several-fold within
 * seconds, this compares two builds where separate runs cannot. Prints the median µs per put of
 * each and in how many blocks the second build was faster. Usage: {@code KvPairedBenchMain DIR
 * BLOCKS PUTS_PER_BLOCK CLASSES_A CLASSES_B DEPENDENCY_CLASSPATH}.
 */
public final class KvPairedBenchMain {

  private static final String PACKAGE = "io.jtau.runtime.kv";

  private KvPairedBenchMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int blocks = Integer.parseInt(args[1]);
    int perBlock = Integer.parseInt(args[2]);
    String[] builds = {args[3], args[4]};
    List<URL> deps = new ArrayList<>();
    for (String d : args[5].split(File.pathSeparator)) {
      deps.add(Path.of(d).toUri().toURL());
    }
    Object[] dbs = new Object[2];
    Method[] put = new Method[2];
    AutoCloseable[] stores = new AutoCloseable[2];
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "kv-paired");
          t.setDaemon(true);
          return t;
        };
    for (int s = 0; s < 2; s++) {
      List<URL> urls = new ArrayList<>();
      urls.add(Path.of(builds[s]).toUri().toURL());
      urls.addAll(deps);
      ClassLoader cl =
          new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
      // by name: this class runs without the project's classes on its own class path
      Class<?> kvClass = cl.loadClass(PACKAGE + ".KvStore");
      Class<?> settingsClass = cl.loadClass(PACKAGE + ".KvStore$Settings");
      Class<?> idClass = cl.loadClass(PACKAGE + ".DatabaseId");
      // Xodus finds its file reader/writer through the context class loader
      Thread.currentThread().setContextClassLoader(cl);
      Object settings = settingsClass.getMethod("defaults").invoke(null);
      // (dir, settings) today; builds before the leader/follower commit took a ThreadFactory too.
      Object kv;
      try {
        kv =
            kvClass
                .getConstructor(Path.class, settingsClass)
                .newInstance(dir.resolve("build" + s), settings);
      } catch (NoSuchMethodException e) {
        kv =
            kvClass
                .getConstructor(Path.class, settingsClass, ThreadFactory.class)
                .newInstance(dir.resolve("build" + s), settings, threads);
      }
      stores[s] = (AutoCloseable) kv;
      Object id =
          idClass
              .getConstructor(String.class, String.class, String.class, String.class)
              .newInstance("bench", "", "QmDb", "bench");
      dbs[s] = kvClass.getMethod("open", idClass, long.class).invoke(kv, id, Long.MAX_VALUE);
      put[s] = dbs[s].getClass().getMethod("put", byte[].class, byte[].class);
    }
    byte[] value = "xxx".getBytes(StandardCharsets.UTF_8);
    double[][] micros = new double[2][blocks];
    int key = 0;
    for (int b = -2; b < blocks; b++) { // two warm-up rounds
      for (int turn = 0; turn < 2; turn++) {
        int s = (b & 1) == 0 ? turn : 1 - turn;
        long t0 = System.nanoTime();
        for (int i = 0; i < perBlock; i++) {
          put[s].invoke(dbs[s], ("key:" + key++).getBytes(StandardCharsets.UTF_8), value);
        }
        if (b >= 0) {
          micros[s][b] = (System.nanoTime() - t0) / 1e3 / perBlock;
        }
      }
    }
    int secondFaster = 0;
    for (int b = 0; b < blocks; b++) {
      if (micros[1][b] < micros[0][b]) {
        secondFaster++;
      }
    }
    for (AutoCloseable s : stores) {
      s.close();
    }
    System.out.printf(
        "kv-paired a_median_us_per_put=%.1f b_median_us_per_put=%.1f b_faster_blocks=%d"
            + " blocks=%d%n",
        median(micros[0]), median(micros[1]), secondFaster, blocks);
  }

  private static double median(double[] xs) {
    double[] sorted = xs.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
