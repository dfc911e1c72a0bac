package io.jtau.reconcile;

import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import java.nio.file.Path;

/**
 * Child JVM of {@link ReconcileCrashTest}: runs {@code count} reconciles of project {@code crash}
 * (each on a new config commit, every third one with new code) on the real stack in {@code dir},
 * and prints {@code ack <n> <revision>} once a run's publication returned (the revision is then
 * current and durable). The parent kills it with SIGKILL at a random point.
 */
public final class ReconcileChildMain {

  private ReconcileChildMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    ProjectKey key = new ProjectKey("crash", "main");
    try (ReconcileFixture f = new ReconcileFixture(dir, b -> b)) {
      for (int n = 1; n <= count; n++) {
        if (n % 3 == 1) {
          f.commitCode("crash", ReconcileFixture.code(2, "v" + n + "-"));
        }
        f.commitConfig("crash", ReconcileFixture.config("crash.example.test", 2, "/" + n));
        ReconcileResult r = f.reconciler.reconcile(key);
        if (!(r instanceof ReconcileResult.Done d)) {
          System.out.println("fail " + n + " " + r);
          System.exit(3);
          return;
        }
        System.out.println("ack " + n + " " + d.revision());
        System.out.flush();
      }
      System.out.println("done");
    }
  }
}
