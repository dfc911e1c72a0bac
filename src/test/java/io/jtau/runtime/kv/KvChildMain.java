package io.jtau.runtime.kv;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM of {@link KvCrashTest}: puts {@code count} keys through a {@link KvStore} and prints
 * {@code ack <i>} after each put returned (is durable).
 */
public final class KvChildMain {

  private KvChildMain() {}

  static byte[] value(int i) {
    return ("value-" + i + "-" + "x".repeat(i % 97)).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] key(int i) {
    return ("key/" + i).getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    KvStore kv =
        new KvStore(
            dir,
            KvStore.Settings.defaults(),
            r -> {
              Thread t = new Thread(r, "kv-commit");
              t.setDaemon(true);
              return t;
            });
    KvDatabase db = kv.open(new DatabaseId("crash", "", "QmDb", "ledger"), Long.MAX_VALUE);
    for (int i = 0; i < count; i++) {
      db.put(key(i), value(i));
      System.out.println("ack " + i);
      System.out.flush();
    }
    System.out.println("done");
    System.out.flush();
    // stay alive until killed, so the kill always lands on a live process
    new java.util.concurrent.CountDownLatch(1).await();
  }
}
