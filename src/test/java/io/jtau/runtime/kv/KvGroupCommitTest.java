package io.jtau.runtime.kv;

import static io.jtau.runtime.kv.KvStoreTest.b;
import static io.jtau.runtime.kv.KvStoreTest.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader/follower group commit of {@link KvStore}: writes queued behind a commit in progress,
 * leader changes, refusals inside another writer's batch, close during a commit, timeouts and
 * interrupts of queued writers. {@link KvStore#holdCommits()} stands for a leader in the middle of
 * its commit.
 */
class KvGroupCommitTest {

  private static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<KvStore> opened = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
    opened.forEach(KvStore::close);
  }

  private KvStore open(KvStore.Settings settings) throws IOException {
    KvStore kv = new KvStore(dir, settings);
    opened.add(kv);
    return kv;
  }

  private KvStore open() throws IOException {
    return open(KvStore.Settings.defaults());
  }

  /** Starts a put on its own thread and waits until it is queued behind the held commit. */
  private Future<Void> queuedPut(KvStore kv, KvDatabase db, String key, String value) {
    int before = kv.queuedWrites();
    Future<Void> f =
        pool.submit(
            () -> {
              db.put(b(key), b(value));
              return null;
            });
    await().atMost(AWAIT).until(() -> kv.queuedWrites() == before + 1 || f.isDone());
    return f;
  }

  private static Throwable failure(Future<?> f) throws Exception {
    try {
      f.get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void writes_queued_behind_a_commit_share_the_next_one_and_a_refused_one_fails_alone()
      throws Exception {
    KvStore kv = open();
    KvDatabase ok = kv.open(id("p", "ok"), 1 << 20);
    KvDatabase full = kv.open(id("p", "full"), 0);
    Runnable release = kv.holdCommits();
    Future<Void> first = queuedPut(kv, ok, "a", "1"); // oldest: its writer leads the next batch
    Future<Void> refused = queuedPut(kv, full, "b", "2");
    Future<Void> last = queuedPut(kv, ok, "c", "3");
    long commits = kv.commits();
    long writes = kv.committedWrites();

    release.run();

    assertThat(failure(first)).isNull();
    assertThat(failure(last)).isNull();
    assertThat(failure(refused))
        .isInstanceOf(DatabaseFullException.class)
        .hasMessage(
            "database full is full: quota 0 bytes, used 0 bytes, this put needs 2 more (keys"
                + " and values both count)");
    assertThat(kv.commits() - commits).as("one transaction for the three").isEqualTo(1);
    assertThat(kv.committedWrites() - writes).isEqualTo(3);
    assertThat(ok.get(b("a"))).asString().isEqualTo("1");
    assertThat(ok.get(b("c"))).asString().isEqualTo("3");
    assertThat(full.get(b("b"))).isNull();
    assertThat(ok.usage().keys()).isEqualTo(2);
  }

  @Test
  void when_more_writes_queue_than_one_leader_takes_the_next_writer_leads_the_rest()
      throws Exception {
    // Batches of one: the first leader commits its own write and 8 more (EXTRA_BATCHES), then
    // hands off; the writer of the oldest remaining write must wake and commit the last 3.
    KvStore kv = open(new KvStore.Settings(1, 100, Duration.ofSeconds(30)));
    KvDatabase db = kv.open(id("p", "batches"), 1 << 20);
    Runnable release = kv.holdCommits();
    List<Future<Void>> puts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      puts.add(queuedPut(kv, db, "k" + i, "v" + i));
    }
    long commits = kv.commits();

    release.run();

    for (Future<Void> f : puts) {
      assertThat(failure(f)).isNull();
    }
    assertThat(kv.commits() - commits).as("one write per batch").isEqualTo(12);
    kv.close();
    KvDatabase reopened = open().open(id("p", "batches"), 1 << 20);
    for (int i = 0; i < 12; i++) {
      assertThat(reopened.get(b("k" + i))).asString().isEqualTo("v" + i);
    }
    assertThat(reopened.usage().keys()).isEqualTo(12);
  }

  @Test
  void many_writers_with_small_batches_and_refusals_lose_nothing_across_a_reopen()
      throws Exception {
    KvStore kv = open(new KvStore.Settings(3, 100, Duration.ofSeconds(60)));
    KvDatabase ok = kv.open(id("p", "many"), 1 << 20);
    KvDatabase full = kv.open(id("p", "none"), 0);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    List<Future<?>> writers = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      int writer = t;
      writers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 40; i++) {
                  String key = writer + "/" + i;
                  try {
                    if (i % 5 == 4) {
                      full.put(b(key), b("x"));
                      unexpected.set(new AssertionError("put into a full database: " + key));
                    } else {
                      ok.put(b(key), b("v" + key));
                      acked.add(key);
                    }
                  } catch (DatabaseFullException e) {
                    // expected for every fifth put
                  } catch (IOException | RuntimeException e) {
                    unexpected.set(e);
                  }
                }
              }));
    }
    for (Future<?> f : writers) {
      f.get(120, TimeUnit.SECONDS);
    }
    assertThat(unexpected.get()).isNull();
    assertThat(acked).hasSize(12 * 32);
    kv.close();
    KvStore again = open();
    KvDatabase reopened = again.open(id("p", "many"), 1 << 20);
    for (String key : acked) {
      assertThat(reopened.get(b(key))).as(key).asString().isEqualTo("v" + key);
    }
    assertThat(reopened.usage().keys()).isEqualTo(acked.size());
    assertThat(again.open(id("p", "none"), 0).usage().keys()).isZero();
  }

  @Test
  void close_waits_for_the_commit_in_progress_and_finishes_the_queued_writes() throws Exception {
    KvStore kv = open();
    KvDatabase db = kv.open(id("p", "closing"), 1 << 20);
    Runnable release = kv.holdCommits();
    List<Future<Void>> puts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      puts.add(queuedPut(kv, db, "k" + i, "v" + i));
    }
    Future<?> closing = pool.submit(kv::close);
    // close has begun once new writes are refused; it is waiting for the commit in progress
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> db.put(b("late"), b("x")))
                    .hasMessage("key/value store is closed"));
    assertThat(closing.isDone()).isFalse();

    release.run();

    closing.get(30, TimeUnit.SECONDS);
    for (Future<Void> f : puts) {
      assertThat(failure(f)).isNull();
    }
    KvDatabase reopened = open().open(id("p", "closing"), 1 << 20);
    for (int i = 0; i < 3; i++) {
      assertThat(reopened.get(b("k" + i))).asString().isEqualTo("v" + i);
    }
    assertThat(reopened.get(b("late"))).isNull();
  }

  @Test
  void a_write_still_queued_at_its_timeout_is_withdrawn_and_never_applied() throws Exception {
    KvStore kv = open(new KvStore.Settings(256, 100, Duration.ofMillis(300)));
    KvDatabase db = kv.open(id("p", "slow"), 1 << 20);
    Runnable release = kv.holdCommits();
    Future<Void> put = queuedPut(kv, db, "k", "v");
    assertThat(failure(put))
        .isInstanceOf(IOException.class)
        .hasMessage("write not durable within 300 ms");
    assertThat(kv.queuedWrites()).isZero();
    release.run();

    assertThat(db.get(b("k"))).as("withdrawn, never applied").isNull();
    db.put(b("k2"), b("v2"));
    assertThat(db.get(b("k2"))).asString().isEqualTo("v2");
  }

  @Test
  void an_interrupted_queued_writer_withdraws_its_write_and_keeps_its_interrupt() throws Exception {
    KvStore kv = open();
    KvDatabase db = kv.open(id("p", "interrupt"), 1 << 20);
    Runnable release = kv.holdCommits();
    AtomicReference<Thread> writer = new AtomicReference<>();
    Future<Boolean> put =
        pool.submit(
            () -> {
              writer.set(Thread.currentThread());
              try {
                db.put(b("k"), b("v"));
                return false;
              } catch (IOException e) {
                assertThat(e).hasMessage("interrupted while waiting for a durable write");
                return Thread.currentThread().isInterrupted();
              }
            });
    await().atMost(AWAIT).until(() -> kv.queuedWrites() == 1);
    writer.get().interrupt();
    assertThat(put.get(30, TimeUnit.SECONDS)).as("refused, interrupt status kept").isTrue();
    release.run();

    assertThat(db.get(b("k"))).isNull();
    db.put(b("k"), b("after"));
    assertThat(db.get(b("k"))).asString().isEqualTo("after");
  }

  @Test
  void interrupts_landing_on_writers_and_leaders_never_break_the_store() throws Exception {
    KvStore kv = open();
    KvDatabase db = kv.open(id("p", "interrupts"), 1 << 20);
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int writer = t;
      Thread w =
          new Thread(
              () -> {
                for (int i = 0; i < 100; i++) {
                  String key = writer + "/" + i;
                  try {
                    db.put(b(key), b("v" + key));
                    acked.add(key);
                  } catch (IOException e) {
                    if (!e.getMessage().equals("interrupted while waiting for a durable write")) {
                      unexpected.set(e);
                    }
                  }
                  Thread.interrupted(); // each put starts uninterrupted; the interrupter races it
                }
              },
              "kv-writer-" + t);
      writers.add(w);
      w.start();
    }
    // interrupt every writer whenever a commit is in progress (its leader among them), bounded
    long duringCommits = 0;
    for (long spins = 0;
        writers.stream().anyMatch(Thread::isAlive) && spins < 50_000_000;
        spins++) {
      if (kv.commitInProgress()) {
        writers.forEach(Thread::interrupt);
        duringCommits++;
        while (kv.commitInProgress() && spins++ < 50_000_000) {
          Thread.onSpinWait();
        }
      }
      Thread.onSpinWait();
    }
    for (Thread w : writers) {
      w.join(TimeUnit.SECONDS.toMillis(120));
      assertThat(w.isAlive()).isFalse();
    }
    assertThat(unexpected.get()).isNull();
    System.out.println(+acked.size() + " interrupts " + duringCommits + " commits " + kv.commits());
    assertThat(duringCommits).as("interrupts during a commit").isPositive();
    db.put(b("after"), b("ok")); // the environment's file channel is still open
    kv.close();
    KvDatabase reopened = open().open(id("p", "interrupts"), 1 << 20);
    for (String key : acked) {
      assertThat(reopened.get(b(key))).as(key).asString().isEqualTo("v" + key);
    }
    assertThat(reopened.get(b("after"))).asString().isEqualTo("ok");
  }
}
