package io.jtau.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jtau.build.BuildJobs.Outcome;
import io.jtau.build.BuildJobs.State;
import io.jtau.model.Cid;
import io.jtau.store.FileContentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildJobsTest {

  @TempDir Path dir;
  FileContentStore store;
  ExecutorService executor;
  BuildJobs jobs;
  final List<BuildJobs.Job> ended = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void open() throws Exception {
    store = new FileContentStore(dir.resolve("store"));
    executor = Executors.newCachedThreadPool();
    jobs = open(new BuildJobs.Limits(2, 3, 100, 1 << 20));
  }

  BuildJobs open(BuildJobs.Limits limits) {
    return new BuildJobs(
        dir.resolve("jobs"),
        limits,
        executor,
        Clock.systemUTC(),
        new Random(1),
        store,
        (cid, owner) -> {
          try {
            store.pin(cid, owner);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        ended::add);
  }

  @AfterEach
  void close() throws InterruptedException {
    jobs.close();
    executor.shutdownNow();
    // A job may still be storing its log when the test ends: let it finish before the store
    // closes.
    executor.awaitTermination(30, TimeUnit.SECONDS);
    store.close();
  }

  /** Work that runs until cancelled, like a build that never ends. */
  static BuildJobs.Work endless(AtomicInteger started) {
    return (control, log) -> {
      started.incrementAndGet();
      CountDownLatch stop = new CountDownLatch(1);
      control.onCancel(stop::countDown);
      try {
        stop.await(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Outcome.cancelled("stopped");
    };
  }

  static BuildJobs.Work succeeding(Cid cid) {
    return (control, log) -> {
      log.out("built");
      return Outcome.succeeded(cid, "ok");
    };
  }

  Cid someCid() throws Exception {
    return store.put("artifact".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void oneProjectsEndlessBuildsDoNotStarveAnother() throws Exception {
    AtomicInteger started = new AtomicInteger();
    List<String> a = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      a.add(jobs.submit("a", "f" + i, "function", "h" + i, endless(started)).jobId());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 2);
    Cid cid = someCid();
    var b1 = jobs.submit("b", "g1", "function", "hb1", succeeding(cid));
    var b2 = jobs.submit("b", "g2", "function", "hb2", succeeding(cid));
    assertThat(b1.done().get(10, TimeUnit.SECONDS).state()).isEqualTo(State.SUCCEEDED);
    assertThat(b2.done().get(10, TimeUnit.SECONDS).state()).isEqualTo(State.SUCCEEDED);
    // Project a holds its two slots; its third job waits for one of them.
    assertThat(jobs.get(a.get(0)).orElseThrow().state()).isEqualTo(State.RUNNING);
    assertThat(jobs.get(a.get(1)).orElseThrow().state()).isEqualTo(State.RUNNING);
    assertThat(jobs.get(a.get(2)).orElseThrow().state()).isEqualTo(State.QUEUED);
    assertThat(started.get()).isEqualTo(2);

    assertThat(jobs.cancel(a.get(2)).orElseThrow().state()).isEqualTo(State.CANCELLED);
    jobs.cancel(a.get(0));
    jobs.cancel(a.get(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> jobs.get(a.get(1)).orElseThrow().state() == State.CANCELLED);
    assertThat(jobs.get(a.get(0)).orElseThrow().message()).isEqualTo("cancelled by request");
    assertThat(started.get()).isEqualTo(2); // the queued one never ran
  }

  @Test
  void retryRunsANewAttemptWithANewLog() throws Exception {
    Cid cid = someCid();
    AtomicInteger runs = new AtomicInteger();
    var s =
        jobs.submit(
            "p",
            "f",
            "function",
            "h",
            (control, log) -> {
              if (runs.incrementAndGet() == 1) {
                log.out("first try breaks");
                return Outcome.failed("main.c:3: error");
              }
              log.out("second try works");
              return Outcome.succeeded(cid, "ok");
            });
    assertThat(s.done().get(10, TimeUnit.SECONDS).message()).isEqualTo("main.c:3: error");
    BuildJobs.Job failed = jobs.get(s.jobId()).orElseThrow();
    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(new String(store.read(new Cid(failed.rawLog())), StandardCharsets.UTF_8))
        .isEqualTo("first try breaks\n");

    assertThatThrownBy(() -> jobs.retry("b-nope")).hasMessageContaining("no build job b-nope");
    BuildJobs.Job again = jobs.retry(s.jobId());
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(jobs.done(s.jobId()).orElseThrow().get(10, TimeUnit.SECONDS).state())
        .isEqualTo(State.SUCCEEDED);
    BuildJobs.Job done = jobs.get(s.jobId()).orElseThrow();
    assertThat(done.artifact()).isEqualTo(cid.value());
    assertThat(jobs.log(s.jobId()).orElseThrow().raw()).isEqualTo("second try works\n");
    // The end listener runs after the attempt's future completes: wait for it, don't race it.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> ended.size() >= 2);
    assertThat(ended).extracting(BuildJobs.Job::attempts).containsExactly(1, 2);
  }

  @Test
  void retryOfARunningJobIsRefused() throws Exception {
    AtomicInteger started = new AtomicInteger();
    var s = jobs.submit("p", "f", "function", "h", endless(started));
    await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 1);
    assertThatThrownBy(() -> jobs.retry(s.jobId()))
        .isInstanceOf(BuildJobs.RetryRefused.class)
        .hasMessageContaining("is running; cancel it first");
    jobs.cancel(s.jobId());
    assertThat(s.done().get(10, TimeUnit.SECONDS).state()).isEqualTo(State.CANCELLED);
  }

  @Test
  void summariesAndLogsSurviveARestart() throws Exception {
    Cid cid = someCid();
    var s = jobs.submit("p", "f", "function", "h", succeeding(cid));
    s.done().get(10, TimeUnit.SECONDS);
    AtomicInteger started = new AtomicInteger();
    var running = jobs.submit("p", "g", "function", "h2", endless(started));
    await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 1);
    jobs.close(); // cancels the running one
    running.done().get(10, TimeUnit.SECONDS);

    jobs = open(new BuildJobs.Limits(2, 3, 100, 1 << 20));
    BuildJobs.Job j = jobs.get(s.jobId()).orElseThrow();
    assertThat(j.state()).isEqualTo(State.SUCCEEDED);
    assertThat(j.artifact()).isEqualTo(cid.value());
    assertThat(jobs.list(Optional.of("p"))).extracting(BuildJobs.Job::id).contains(s.jobId());
    assertThat(jobs.list(Optional.of("other"))).isEmpty();
    BuildLog log = jobs.log(s.jobId()).orElseThrow();
    assertThat(log.ended()).isTrue();
    assertThat(log.raw()).isEqualTo("built\n");
    assertThat(log.text()).contains("[info] succeeded: ok");
    // The node stopped while it ran: after the restart it is failed, saying so.
    BuildJobs.Job interrupted = jobs.get(running.jobId()).orElseThrow();
    assertThat(interrupted.state()).isEqualTo(State.FAILED);
    assertThat(interrupted.message()).isEqualTo("the node stopped while this job was running");
    assertThatThrownBy(() -> jobs.retry(s.jobId()))
        .hasMessageContaining("inputs are no longer held; push again");
  }

  @Test
  void logsOfJobsDroppedFromTheListAreUnpinned() throws Exception {
    jobs.close();
    BiConsumer<Cid, String> unpin =
        (cid, owner) -> {
          try {
            store.unpin(cid, owner);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    jobs =
        new BuildJobs(
            dir.resolve("jobs-retain-1"),
            new BuildJobs.Limits(2, 3, 1, 1 << 20),
            executor,
            Clock.systemUTC(),
            new Random(1),
            store,
            (cid, owner) -> {
              try {
                store.pin(cid, owner);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            unpin,
            ended::add);
    Cid cid = someCid();
    var first =
        jobs.submit(
            "p",
            "f",
            "function",
            "h1",
            (control, log) -> {
              log.out("the first job");
              return Outcome.succeeded(cid, "ok");
            });
    first.done().get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> jobs.get(first.jobId()).orElseThrow().log() != null);
    Cid firstLog = new Cid(jobs.get(first.jobId()).orElseThrow().log());
    assertThat(store.owners(firstLog)).containsExactly("build-log:" + first.jobId());

    var second =
        jobs.submit(
            "p",
            "g",
            "function",
            "h2",
            (control, log) -> {
              log.out("the second job");
              return Outcome.succeeded(cid, "ok");
            });
    second.done().get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> jobs.get(second.jobId()).orElseThrow().log() != null);
    // The list is pruned when a job is submitted: two ended jobs, one retained.
    jobs.submit(
        "p",
        "h",
        "function",
        "h3",
        (control, log) -> {
          log.out("the third job");
          return Outcome.succeeded(cid, "ok");
        });
    assertThat(jobs.get(first.jobId())).isEmpty();

    assertThat(store.owners(firstLog)).doesNotContain("build-log:" + first.jobId()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> jobs.get(second.jobId()).orElseThrow().log() != null);
    Cid secondLog = new Cid(jobs.get(second.jobId()).orElseThrow().log());
    assertThat(store.owners(secondLog)).containsExactly("build-log:" + second.jobId());
  }

  @Test
  void followerSeesPastThenLiveLinesInOrderThenTheEnd() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Cid cid = someCid();
    var s =
        jobs.submit(
            "p",
            "f",
            "function",
            "h",
            (control, log) -> {
              log.out("before");
              go.countDown();
              try {
                finish.await(1, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              for (int i = 0; i < 100; i++) {
                log.out("line " + i);
              }
              return Outcome.succeeded(cid, "ok");
            });
    go.await(10, TimeUnit.SECONDS);
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch end = new CountDownLatch(1);
    jobs.log(s.jobId()).orElseThrow().follow(0, e -> seen.add(BuildLog.render(e)), end::countDown);
    assertThat(seen).contains("before");
    finish.countDown();
    assertThat(end.await(10, TimeUnit.SECONDS)).isTrue();
    List<String> out = seen.stream().filter(l -> l.startsWith("line ")).toList();
    assertThat(out).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(out.get(i)).isEqualTo("line " + i);
    }
    assertThat(seen.get(seen.size() - 1)).isEqualTo("[info] succeeded: ok");
  }

  @Test
  void logStopsGrowingAtItsLimit() {
    BuildLog log = new BuildLog(Clock.systemUTC(), 1024);
    for (int i = 0; i < 1000; i++) {
      log.out("0123456789 line " + i);
    }
    assertThat(log.raw().length()).isLessThanOrEqualTo(1024);
    assertThat(log.dropped()).isGreaterThan(900);
    assertThat(log.events())
        .filteredOn(e -> e.type().equals(BuildLog.TRUNCATED))
        .singleElement()
        .extracting(BuildLog.Event::text)
        .isEqualTo("log truncated at 1024 bytes; further lines are dropped");
  }

  @Test
  void jsonEscapesControlCharacters() {
    BuildLog.Event e = new BuildLog.Event(3, 7, "out", "a\"b\\c\n\u0001");
    assertThat(BuildLog.json(e))
        .isEqualTo("{\"seq\":3,\"at\":7,\"type\":\"out\",\"text\":\"a\\\"b\\\\c\\n\\u0001\"}");
  }
}
