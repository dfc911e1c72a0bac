package io.jtau.build;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.model.Cid;
import io.jtau.port.ContentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.StoreConfig;

/**
 * Build jobs: a queue with a per-project and a node-wide concurrency limit, job states, attempts,
 * cancel and retry, and each attempt's log (followed live while it runs, stored content-addressed
 * and pinned when it ends). Job summaries are kept in Xodus so the list survives a restart; jobs
 * that were queued or running when the node stopped are marked failed on the next start. Retry
 * needs the job's inputs, which only the process that submitted it holds.
 *
 * <p>Scheduling: the oldest queued job whose project is under its limit runs next, so a project
 * whose builds never end holds at most {@code perProject} slots and others keep building.
 *
 * <p>Thread-safe. {@link #submit} does not block; the returned future completes when the attempt
 * ends.
 */
public final class BuildJobs implements AutoCloseable {

  /** A job's state. */
  public enum State {
    QUEUED("queued"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELLED("cancelled"),
    TIMED_OUT("timed out");

    private final String label;

    State(String label) {
      this.label = label;
    }

    /** What users see ({@code timed out}). */
    public String label() {
      return label;
    }

    public boolean ended() {
      return this != QUEUED && this != RUNNING;
    }
  }

  /**
   * A job's summary as users see it.
   *
   * @param attempts how many attempts started or are queued (1 for a new job)
   * @param message why it failed, or what it built
   * @param artifact the artifact CID once succeeded
   * @param log CID of the last ended attempt's log (JSON lines) in the content store
   * @param rawLog CID of that attempt's raw output
   */
  public record Job(
      String id,
      String project,
      String resource,
      String kind,
      String inputHash,
      State state,
      int attempts,
      long createdAt,
      Long startedAt,
      Long endedAt,
      String message,
      String artifact,
      String log,
      String rawLog) {
    public Job {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(state, "state");
    }

    Job with(State s, Long started, Long ended, String msg, String art, String lg, String raw) {
      return new Job(
          id, project, resource, kind, inputHash, s, attempts, createdAt, started, ended, msg, art,
          lg, raw);
    }
  }

  /** How an attempt ended. */
  public record Outcome(State state, String message, Cid artifact) {
    public Outcome {
      if (!state.ended()) {
        throw new IllegalArgumentException("an outcome is an end state: " + state);
      }
      if ((state == State.SUCCEEDED) != (artifact != null)) {
        throw new IllegalArgumentException("an artifact comes with success only");
      }
    }

    public static Outcome succeeded(Cid artifact, String message) {
      return new Outcome(State.SUCCEEDED, message, artifact);
    }

    public static Outcome failed(String message) {
      return new Outcome(State.FAILED, message, null);
    }

    public static Outcome timedOut(String message) {
      return new Outcome(State.TIMED_OUT, message, null);
    }

    public static Outcome cancelled(String message) {
      return new Outcome(State.CANCELLED, message, null);
    }
  }

  /** The work of one attempt. Blocks until done; should honour {@code control}. */
  @FunctionalInterface
  public interface Work {
    Outcome run(JobControl control, BuildLog log);
  }

  /**
   * Limits.
   *
   * @param perProject attempts of one project running at once
   * @param node attempts running at once on this node
   * @param retained ended jobs kept in the list (oldest dropped first)
   * @param maxLogBytes text kept per attempt log
   */
  public record Limits(int perProject, int node, int retained, long maxLogBytes) {
    public Limits {
      if (perProject < 1 || node < 1 || retained < 1 || maxLogBytes < 1024) {
        throw new IllegalArgumentException(
            "build limits must be positive (log at least 1 KiB): " + this);
      }
    }

    public static Limits defaults() {
      return new Limits(2, 4, 1000, 4L << 20);
    }
  }

  /** A submitted job. */
  public record Submitted(String jobId, CompletableFuture<Outcome> done) {}

  private static final String STORE = "jobs";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Environment env;
  private final Limits limits;
  private final Executor executor;
  private final Clock clock;
  private final Random random;
  private final ContentStore store;
  private final BiConsumer<Cid, String> pin;
  private final BiConsumer<Cid, String> unpin;
  private final Consumer<Job> onEnd;
  private final LinkedHashMap<String, Entry> jobs = new LinkedHashMap<>();
  private final ArrayDeque<Entry> pending = new ArrayDeque<>();
  private final Map<String, Integer> runningPerProject = new HashMap<>();
  private int running;
  private boolean closed;

  private static final class Entry {
    final Work work;
    Job job;
    JobControl control = new JobControl();
    BuildLog log;
    CompletableFuture<Outcome> done = new CompletableFuture<>();

    Entry(Job job, Work work) {
      this.job = job;
      this.work = work;
    }
  }

  /**
   * Opens (or creates) the job list in {@code dir}.
   *
   * @param executor runs attempts; must offer at least {@code limits.node()} threads
   * @param pin pins a stored log ({@code cid}, owner name) so garbage collection keeps it
   * @param onEnd told (on the attempt's thread) when an attempt ends
   */
  public BuildJobs(
      Path dir,
      Limits limits,
      Executor executor,
      Clock clock,
      Random random,
      ContentStore store,
      BiConsumer<Cid, String> pin,
      Consumer<Job> onEnd) {
    this(dir, limits, executor, clock, random, store, pin, (cid, owner) -> {}, onEnd);
  }

  /**
   * Opens (or creates) the job list in {@code dir}, releasing the logs of jobs it drops.
   *
   * @param unpin drops the pin of a stored log ({@code cid}, owner name) when its job leaves the
   *     list (beyond {@link Limits#retained()} ended jobs): logs live exactly as long as their job
   */
  public BuildJobs(
      Path dir,
      Limits limits,
      Executor executor,
      Clock clock,
      Random random,
      ContentStore store,
      BiConsumer<Cid, String> pin,
      BiConsumer<Cid, String> unpin,
      Consumer<Job> onEnd) {
    this.unpin = unpin;
    this.limits = limits;
    this.executor = executor;
    this.clock = clock;
    this.random = random;
    this.store = store;
    this.pin = pin;
    this.onEnd = onEnd;
    this.env =
        Environments.newInstance(dir.toFile(), new EnvironmentConfig().setLogDurableWrite(true));
    load();
  }

  private void load() {
    List<Job> loaded = new ArrayList<>();
    env.executeInTransaction(
        txn -> env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn)); // create on first start
    env.executeInReadonlyTransaction(
        txn -> {
          try (Cursor c =
              env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn).openCursor(txn)) {
            while (c.getNext()) {
              ByteIterable v = c.getValue();
              try {
                loaded.add(
                    JSON.readValue(
                        new String(v.getBytesUnsafe(), 0, v.getLength(), StandardCharsets.UTF_8),
                        Job.class));
              } catch (JsonProcessingException e) {
                // An unreadable summary (older format) is dropped, not fatal.
              }
            }
          }
        });
    loaded.sort(Comparator.comparingLong(Job::createdAt).thenComparing(Job::id));
    for (Job j : loaded) {
      Job job = j;
      if (!j.state().ended()) {
        job =
            j.with(
                State.FAILED,
                j.startedAt(),
                clock.millis(),
                "the node stopped while this job was " + j.state().label(),
                null,
                j.log(),
                j.rawLog());
        persist(job);
      }
      Entry e = new Entry(job, null);
      e.done.complete(
          new Outcome(
              job.state(),
              job.message(),
              job.state() == State.SUCCEEDED ? new Cid(job.artifact()) : null));
      jobs.put(job.id(), e);
    }
  }

  /** Queues a new job; returns at once. */
  public Submitted submit(
      String project, String resource, String kind, String inputHash, Work work) {
    Entry e;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the build queue is closed");
      }
      String id = newId();
      Job job =
          new Job(
              id,
              project,
              resource,
              kind,
              inputHash,
              State.QUEUED,
              1,
              clock.millis(),
              null,
              null,
              "",
              null,
              null,
              null);
      e = new Entry(job, work);
      e.log = new BuildLog(clock, limits.maxLogBytes());
      e.log.info("job " + id + " queued: " + kind + " " + resource + " of project " + project);
      jobs.put(id, e);
      persist(job);
      pending.add(e);
      prune();
      dispatch();
    }
    return new Submitted(e.job.id(), e.done);
  }

  private String newId() {
    String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    while (true) {
      StringBuilder b = new StringBuilder("b-");
      for (int i = 0; i < 10; i++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (!jobs.containsKey(b.toString())) {
        return b.toString();
      }
    }
  }

  /** Runs queued jobs while limits allow, oldest first, skipping projects at their limit. */
  private void dispatch() {
    Iterator<Entry> it = pending.iterator();
    while (it.hasNext() && running < limits.node()) {
      Entry e = it.next();
      int p = runningPerProject.getOrDefault(e.job.project(), 0);
      if (p >= limits.perProject()) {
        continue;
      }
      it.remove();
      running++;
      runningPerProject.put(e.job.project(), p + 1);
      e.job =
          e.job.with(State.RUNNING, clock.millis(), null, "", null, e.job.log(), e.job.rawLog());
      persist(e.job);
      Entry entry = e;
      try {
        executor.execute(() -> runAttempt(entry));
      } catch (RuntimeException rejected) {
        release(entry);
        finish(entry, Outcome.failed("the build executor refused the job: " + rejected));
      }
    }
  }

  private void runAttempt(Entry e) {
    BuildLog log;
    JobControl control;
    synchronized (this) {
      log = e.log;
      control = e.control;
    }
    log.info("attempt " + e.job.attempts() + " started");
    Outcome o;
    try {
      o = control.cancelled() ? Outcome.cancelled("cancelled") : e.work.run(control, log);
    } catch (RuntimeException ex) {
      o = Outcome.failed("internal error: " + ex);
    }
    if (control.cancelled() && o.state() != State.SUCCEEDED) {
      o = Outcome.cancelled("cancelled by request");
    }
    synchronized (this) {
      release(e);
    }
    finish(e, o);
  }

  private void release(Entry e) {
    running--;
    runningPerProject.merge(e.job.project(), -1, (a, b) -> a + b == 0 ? null : a + b);
    if (!closed) {
      dispatch();
    }
  }

  private void finish(Entry e, Outcome o) {
    BuildLog log;
    synchronized (this) {
      log = e.log;
      // The state is set before the log ends, so a follower told of the end reads the end state.
      e.job =
          e.job.with(
              o.state(),
              e.job.startedAt(),
              clock.millis(),
              o.message(),
              o.artifact() == null ? null : o.artifact().value(),
              null,
              null);
    }
    if (o.state() == State.SUCCEEDED) {
      log.info("succeeded: " + o.message());
    } else {
      log.error(o.state().label() + ": " + o.message());
    }
    log.end();
    String logCid = null;
    String rawCid = null;
    try {
      Cid l = store.put(log.jsonLines());
      Cid r = store.put(log.raw().getBytes(StandardCharsets.UTF_8));
      pin.accept(l, "build-log:" + e.job.id());
      pin.accept(r, "build-log:" + e.job.id());
      logCid = l.value();
      rawCid = r.value();
    } catch (IOException | RuntimeException ex) {
      // The live log stays in memory; only the durable copy is missing.
    }
    Job ended;
    CompletableFuture<Outcome> done;
    synchronized (this) {
      Job j = e.job;
      e.job =
          j.with(j.state(), j.startedAt(), j.endedAt(), j.message(), j.artifact(), logCid, rawCid);
      ended = e.job;
      done = e.done;
      persist(ended);
    }
    done.complete(o);
    onEnd.accept(ended);
  }

  /** A job's summary. */
  public synchronized Optional<Job> get(String id) {
    Entry e = jobs.get(id);
    return e == null ? Optional.empty() : Optional.of(e.job);
  }

  /** Jobs, newest first, optionally of one project only. */
  public synchronized List<Job> list(Optional<String> project) {
    List<Job> out = new ArrayList<>();
    for (Entry e : jobs.values()) {
      if (project.isEmpty() || project.get().equals(e.job.project())) {
        out.add(e.job);
      }
    }
    out.sort(Comparator.comparingLong(Job::createdAt).reversed().thenComparing(Job::id));
    return out;
  }

  /**
   * Cancels a queued or running job: a queued one ends at once, a running one when its process is
   * stopped. Returns the job; an ended job is returned unchanged.
   */
  public Optional<Job> cancel(String id) {
    Entry e;
    JobControl control;
    boolean wasQueued;
    synchronized (this) {
      e = jobs.get(id);
      if (e == null) {
        return Optional.empty();
      }
      if (e.job.state().ended()) {
        return Optional.of(e.job);
      }
      control = e.control;
      wasQueued = pending.remove(e);
    }
    if (wasQueued) {
      control.cancel();
      finish(e, Outcome.cancelled("cancelled before it started"));
    } else {
      e.log.info("cancel requested");
      control.cancel();
    }
    return get(id);
  }

  /** Why a retry was refused. */
  public static final class RetryRefused extends Exception {
    public RetryRefused(String message) {
      super(message);
    }
  }

  /**
   * Queues a new attempt of an ended job (a new log; the attempt count grows).
   *
   * @throws RetryRefused when the job is still queued or running, or its inputs were lost with a
   *     restart
   */
  public Job retry(String id) throws RetryRefused {
    synchronized (this) {
      Entry e = jobs.get(id);
      if (e == null) {
        throw new RetryRefused("no build job " + id);
      }
      if (!e.job.state().ended()) {
        throw new RetryRefused("job " + id + " is " + e.job.state().label() + "; cancel it first");
      }
      if (e.work == null) {
        throw new RetryRefused(
            "job "
                + id
                + " ran before the node restarted and its inputs are no longer held; push again"
                + " to rebuild");
      }
      if (closed) {
        throw new RetryRefused("the build queue is closed");
      }
      Job j = e.job;
      e.job =
          new Job(
              j.id(),
              j.project(),
              j.resource(),
              j.kind(),
              j.inputHash(),
              State.QUEUED,
              j.attempts() + 1,
              j.createdAt(),
              null,
              null,
              "",
              null,
              j.log(),
              j.rawLog());
      e.control = new JobControl();
      e.log = new BuildLog(clock, limits.maxLogBytes());
      e.log.info("job " + id + " queued again (attempt " + e.job.attempts() + ")");
      e.done = new CompletableFuture<>();
      persist(e.job);
      pending.add(e);
      dispatch();
      return e.job;
    }
  }

  /** The future of a job's current attempt. */
  public synchronized Optional<CompletableFuture<Outcome>> done(String id) {
    Entry e = jobs.get(id);
    return e == null ? Optional.empty() : Optional.of(e.done);
  }

  /**
   * The log of a job's current (or last) attempt: live while it runs; after a restart, read back
   * from the content store.
   */
  public Optional<BuildLog> log(String id) {
    Job job;
    synchronized (this) {
      Entry e = jobs.get(id);
      if (e == null) {
        return Optional.empty();
      }
      if (e.log != null) {
        return Optional.of(e.log);
      }
      job = e.job;
    }
    BuildLog restored = new BuildLog(clock, Long.MAX_VALUE);
    if (job.log() == null) {
      restored.error("the log of job " + id + " was not stored");
    } else {
      try {
        String text = new String(store.read(new Cid(job.log())), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            Map<?, ?> ev = JSON.readValue(line, Map.class);
            restored.append(String.valueOf(ev.get("type")), String.valueOf(ev.get("text")));
          }
        }
      } catch (IOException e) {
        restored.error("the stored log " + job.log() + " cannot be read: " + e.getMessage());
      }
    }
    restored.end();
    synchronized (this) {
      Entry e = jobs.get(id);
      if (e != null && e.log == null) {
        e.log = restored;
      }
    }
    return Optional.of(restored);
  }

  /** Jobs waiting for a slot now. */
  public synchronized int queued() {
    return pending.size();
  }

  /** Attempts running now. */
  public synchronized int running() {
    return running;
  }

  private void prune() {
    int ended = 0;
    for (Entry e : jobs.values()) {
      if (e.job.state().ended()) {
        ended++;
      }
    }
    Iterator<Entry> it = jobs.values().iterator();
    while (ended > limits.retained() && it.hasNext()) {
      Entry e = it.next();
      if (e.job.state().ended()) {
        it.remove();
        ended--;
        String key = e.job.id();
        for (String logCid : new String[] {e.job.log(), e.job.rawLog()}) {
          if (logCid != null) {
            try {
              unpin.accept(new Cid(logCid), "build-log:" + key);
            } catch (RuntimeException ex) {
              // The job leaves the list anyway; the next gc keeps an unreleased log, nothing worse.
            }
          }
        }
        env.executeInTransaction(
            txn -> env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn).delete(txn, key(key)));
      }
    }
  }

  private void persist(Job job) {
    if (!env.isOpen()) {
      return; // closing: attempts still ending are not recorded
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(job);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    env.executeInTransaction(
        txn ->
            env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn)
                .put(txn, key(job.id()), new ArrayByteIterable(json)));
  }

  private static ByteIterable key(String id) {
    return new ArrayByteIterable(id.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Stops accepting jobs, cancels queued and running ones (they end as cancelled) and closes the
   * job list. Does not wait for running attempts beyond their cancellation.
   */
  @Override
  public void close() {
    List<Entry> toCancel = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (Entry e : jobs.values()) {
        if (!e.job.state().ended()) {
          toCancel.add(e);
        }
      }
    }
    for (Entry e : toCancel) {
      cancel(e.job.id());
    }
    synchronized (this) {
      env.close();
    }
  }
}
