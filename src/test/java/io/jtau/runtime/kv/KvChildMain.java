package io.jtau.runtime.kv;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM of {@link KvCrashTest}: puts {@code count} keys through a {@link KvStore} from {@code
 * writers} threads (default 1; writer {@code w} puts the keys {@code i} with {@code i % writers ==
 * w}) and prints {@code ack <i>} after each put returned (is durable). Usage: {@code KvChildMain
 * DIR COUNT [WRITERS]}.
 */
public final class KvChildMain {

  private KvChildMain() {}

  static byte[] value(int i) {
    return ("value-" + i + "-" + "x".repeat(i % 97)).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] key(int i) {
    return ("key/" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static synchronized void ack(int i) {
    System.out.println("ack " + i);
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    int writers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    KvStore kv = new KvStore(dir, KvStore.Settings.defaults());
    KvDatabase db = kv.open(new DatabaseId("crash", "", "QmDb", "ledger"), Long.MAX_VALUE);
    Thread[] threads = new Thread[writers];
    for (int w = 0; w < writers; w++) {
      int first = w;
      threads[w] =
          new Thread(
              () -> {
                try {
                  for (int i = first; i < count; i += writers) {
                    db.put(key(i), value(i));
                    ack(i);
                  }
                } catch (java.io.IOException e) {
                  e.printStackTrace();
                }
              },
              "kv-writer-" + w);
      threads[w].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.println("done");
    System.out.flush();
    // stay alive until killed, so the kill always lands on a live process
    new java.util.concurrent.CountDownLatch(1).await();
  }
}
