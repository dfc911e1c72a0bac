package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jtau.TestGit;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.port.Builder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Poisoned projects among healthy ones, and a push storm, on the real reconcile stack. */
class ReconcileIsolationTest {

  static final int HEALTHY = 50;

  @TempDir Path dir;

  /** Counts runs per key and records when each key last finished with Done. */
  static final class Recorder implements ReconcileListener {
    final Map<ProjectKey, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Map<ProjectKey, Long> doneAt = new ConcurrentHashMap<>();
    final Map<ProjectKey, ReconcileResult> last = new ConcurrentHashMap<>();
    final List<Double> changedRunMillis = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void finished(ProjectKey key, ReconcileResult result, long nanos) {
      runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      last.put(key, result);
      if (result instanceof ReconcileResult.Done d) {
        doneAt.put(key, System.nanoTime());
        if (d.changed() && key.project().startsWith("healthy")) {
          changedRunMillis.add(nanos / 1e6);
        }
      }
    }

    int runs(ProjectKey key) {
      AtomicInteger n = runs.get(key);
      return n == null ? 0 : n.get();
    }
  }

  /** A builder that hangs (until cancelled, 120 s at most) for one project's builds. */
  static Builder hangingFor(String project, Builder real, CountDownLatch entered) {
    return new Builder() {
      @Override
      public Result build(Request request) {
        if (!request.project().equals(project)) {
          return real.build(request);
        }
        CountDownLatch stop = new CountDownLatch(1);
        request.cancellation().onCancel(stop::countDown);
        entered.countDown();
        try {
          stop.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new Failed("build of " + request.resourceName() + " hung and was stopped", "");
      }

      @Override
      public String fingerprint() {
        return real.fingerprint();
      }
    };
  }

  @Test
  void poisonedProjectsDoNotKeepHealthyOnesFromConverging() throws Exception {
    CountDownLatch hung = new CountDownLatch(1);
    Recorder rec = new Recorder();
    try (ReconcileFixture f = new ReconcileFixture(dir, b -> hangingFor("poison-hang", b, hung));
        WorkQueue q = f.queue(4, Duration.ZERO, rec)) {
      List<String> healthy = new ArrayList<>();
      for (int i = 0; i < HEALTHY; i++) {
        String p = "healthy" + i;
        healthy.add(p);
        f.commitConfig(p, ReconcileFixture.config(p + ".example.test", 1, ""));
        f.commitCode(p, ReconcileFixture.code(1, p + "-v1-"));
      }
      converge(f, q, rec, healthy); // first deploy, also warms the JVM up
      for (String p : healthy) {
        f.commitCode(p, ReconcileFixture.code(1, p + "-v2-"));
      }
      double[] baseline = converge(f, q, rec, healthy);

      // The poison: a build that hangs, a config that does not compile, a function that traps.
      f.commitConfig("poison-hang", ReconcileFixture.config("hang.example.test", 1, ""));
      f.commitCode("poison-hang", ReconcileFixture.code(1, "hang"));
      Map<String, TestGit.Entry> invalid =
          new java.util.HashMap<>(ReconcileFixture.config("invalid.example.test", 1, ""));
      invalid.put("functions/f0.yaml", TestGit.file("id: nope\ntrigger: {type: https}\n"));
      f.commitConfig("poison-invalid", invalid);
      f.commitConfig("poison-trap", ReconcileFixture.config("trap.example.test", 1, ""));
      f.commitCode(
          "poison-trap",
          Map.of(
              "functions/f0/main.wat",
              TestGit.file(
                  "(module (memory (export \"memory\") 1) (func (export \"f0\") (param i32)"
                      + " (result i32) unreachable))")));
      for (String p : List.of("poison-hang", "poison-invalid", "poison-trap")) {
        q.enqueue(new ProjectKey(p, "main"));
      }
      assertThat(hung.await(30, TimeUnit.SECONDS)).as("the poisoned build is hanging").isTrue();

      for (String p : healthy) {
        f.commitConfig(p, ReconcileFixture.config(p + ".example.test", 1, ""));
        f.commitCode(p, ReconcileFixture.code(1, p + "-v3-"));
      }
      double[] withPoison = converge(f, q, rec, healthy);
      System.out.printf(
          "poisoned-project isolation: %d healthy projects on 4 workers; p50 of one reconcile run"
              + " %.1f ms without poison, %.1f ms with a hanging build, an invalid config and a"
              + " trapping function; p50 from enqueue-all to serving %.1f ms vs %.1f ms%n",
          HEALTHY, baseline[1], withPoison[1], baseline[0], withPoison[0]);

      ProjectKey hang = new ProjectKey("poison-hang", "main");
      ProjectKey invalidKey = new ProjectKey("poison-invalid", "main");
      assertThat(rec.runs(hang)).as("the hanging key is still in its first run").isZero();
      assertThat(rec.runs(invalidKey)).as("a stalled key is not retried").isEqualTo(1);
      assertThat(rec.last.get(invalidKey)).isInstanceOf(ReconcileResult.Stalled.class);
      assertThat(rec.last.get(new ProjectKey("poison-trap", "main")))
          .as("a function that traps at run time still deploys")
          .isInstanceOf(ReconcileResult.Done.class);
      assertThat(f.registry.current(hang)).isEmpty();

      // A new commit pre-empts the stuck build; the next run hangs again (same builder) but the
      // queue ran the key a bounded number of times.
      f.commitCode("poison-hang", ReconcileFixture.code(1, "hang2"));
      q.enqueue(hang);
      await().atMost(Duration.ofSeconds(30)).until(() -> rec.runs(hang) == 1);
      assertThat(rec.last.get(hang)).isEqualTo(new ReconcileResult.RequeueAfter(Duration.ZERO));
      assertThat(rec.runs(hang)).isLessThanOrEqualTo(2);
    }
  }

  /** Enqueues every project and waits until all serve their head; returns the p50 latency (ms). */
  private static double[] converge(
      ReconcileFixture f, WorkQueue q, Recorder rec, List<String> projects) {
    Map<ProjectKey, Long> start = new ConcurrentHashMap<>();
    rec.changedRunMillis.clear();
    for (String p : projects) {
      ProjectKey k = new ProjectKey(p, "main");
      rec.doneAt.remove(k);
      start.put(k, System.nanoTime());
      q.enqueue(k);
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                projects.stream()
                    .allMatch(
                        p ->
                            f.registry
                                    .current(new ProjectKey(p, "main"))
                                    .map(s -> s.revision().equals(f.headRevision(p)))
                                    .orElse(false)
                                && rec.doneAt.containsKey(new ProjectKey(p, "main"))));
    List<Double> ms = new ArrayList<>();
    start.forEach((k, t0) -> ms.add((rec.doneAt.get(k) - t0) / 1e6));
    Collections.sort(ms);
    List<Double> runs = new ArrayList<>(rec.changedRunMillis);
    Collections.sort(runs);
    return new double[] {ms.get(ms.size() / 2), runs.get(runs.size() / 2)};
  }

  @Test
  void aStormOf200PushesIn10SecondsEndsOnTheLastCommitWithFewRuns() throws Exception {
    Recorder rec = new Recorder();
    ProjectKey key = new ProjectKey("storm", "main");
    ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor();
    try (ReconcileFixture f = new ReconcileFixture(dir, b -> b);
        WorkQueue q = f.queue(4, Duration.ofMillis(200), rec)) {
      f.commitCode("storm", ReconcileFixture.code(1, "storm"));
      AtomicInteger pushed = new AtomicInteger();
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch allPushed = new CountDownLatch(1);
      ScheduledFuture<?> task =
          pusher.scheduleAtFixedRate(
              () -> {
                int n = pushed.incrementAndGet();
                if (n > 200) {
                  return;
                }
                try {
                  f.commitConfig(
                      "storm", ReconcileFixture.config("storm.example.test", 1, "/" + n));
                  q.enqueue(key);
                } catch (Exception e) {
                  errors.add(e);
                }
                if (n == 200) {
                  allPushed.countDown();
                }
              },
              0,
              50,
              TimeUnit.MILLISECONDS);
      assertThat(allPushed.await(60, TimeUnit.SECONDS)).isTrue();
      task.cancel(false);
      assertThat(errors).isEmpty();
      String head = f.headRevision("storm");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  q.depth() == 0
                      && f.registry.current(key).map(s -> s.revision().equals(head)).orElse(false));
      int runs = rec.runs(key);
      System.out.printf(
          "push storm: 200 pushes in 10 s to one project -> %d reconciles, %d revisions"
              + " published%n",
          runs, f.registry.history(key, 1000).size());
      assertThat(runs).isLessThan(100);
      assertThat(f.gateway.observe(key)).extracting(r -> r.path()).containsExactly("/f0/200");
    } finally {
      pusher.shutdownNow();
    }
  }
}
