package io.jtau.build;

import io.jtau.build.LanguageBuilder.BuildFailure;
import io.jtau.model.Cid;
import io.jtau.model.Problem;
import io.jtau.model.RepoTree;
import io.jtau.port.Builder;
import io.jtau.port.ContentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The node's {@link Builder}: a request whose input hash was built before (and whose artifact is
 * still stored) returns at once without reading its sources; otherwise a build job is queued in
 * {@link BuildJobs} (per-project and node-wide limits, live log, cancel, retry) and the caller
 * blocks until it ends. A build runs the {@code .taubyte/config.yaml} workflow when the sources
 * have one, else the first native {@link LanguageBuilder} that accepts them; the artifact goes to
 * the content store, is pinned as {@code build:<inputHash>} and is remembered by input hash.
 * Concurrent requests for the same input hash share one job. Thread-safe.
 */
public final class BuildService implements Builder {

  private final ContentStore store;
  private final BuildCache cache;
  private final BuildJobs jobs;
  private final Sandbox sandbox;
  private final ScriptBuilder scripts;
  private final List<LanguageBuilder> builders;
  private final BiConsumer<Cid, String> pin;
  private final String fingerprint;
  private final AtomicLong buildsRun = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final ConcurrentHashMap<String, Pending> inFlight = new ConcurrentHashMap<>();

  private record Pending(String jobId, CompletableFuture<BuildJobs.Outcome> done) {}

  /**
   * A build service without a job queue: builds run on the caller's thread, with the pure-Java
   * builders given and the sandbox defaults (for tests and tools).
   */
  public BuildService(ContentStore store, BuildCache cache, List<LanguageBuilder> builders) {
    this(
        store,
        cache,
        null,
        new Sandbox(
            new Sandbox.Config(
                Sandbox.findBwrap(),
                false,
                false,
                Path.of(System.getProperty("java.io.tmpdir"), "jtau-builds"),
                Sandbox.Limits.defaults()),
            new Random()),
        builders,
        (cid, owner) -> {});
  }

  /**
   * The node's build service.
   *
   * @param jobs the job queue builds run in; {@code null} runs them on the caller's thread
   * @param pin pins an artifact ({@code cid}, owner name) so garbage collection keeps it
   */
  public BuildService(
      ContentStore store,
      BuildCache cache,
      BuildJobs jobs,
      Sandbox sandbox,
      List<LanguageBuilder> builders,
      BiConsumer<Cid, String> pin) {
    this.store = store;
    this.cache = cache;
    this.jobs = jobs;
    this.sandbox = sandbox;
    this.builders = List.copyOf(builders);
    this.scripts = new ScriptBuilder(this.builders);
    this.pin = pin;
    StringBuilder f = new StringBuilder("jtau-build-2|script=").append(scripts.toolchain());
    for (LanguageBuilder b : builders) {
      f.append('|').append(b.id()).append('=').append(b.toolchain());
    }
    this.fingerprint = sha256(f.toString());
  }

  /** The pure-Java builders: WAT and prebuilt Wasm. */
  public static List<LanguageBuilder> defaultBuilders() {
    return List.of(new WatBuilder(), new WasmBuilder());
  }

  /**
   * Every builder, native toolchains included (each reports {@code absent} when its toolchain is
   * not installed, and fails builds of its language with the install command).
   *
   * @param npmCache where npm packages (AssemblyScript) are installed once
   */
  public static List<LanguageBuilder> allBuilders(Path npmCache) {
    return List.of(
        new WatBuilder(),
        new WasmBuilder(),
        new CBuilder(),
        new AssemblyScriptBuilder(npmCache),
        new RustBuilder(),
        new GoBuilder(),
        new JsBuilder(),
        new WebsiteBuilder());
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  /** The builders, in the order they are tried. */
  public List<LanguageBuilder> builders() {
    return builders;
  }

  /** The job queue, if builds run as jobs. */
  public Optional<BuildJobs> jobs() {
    return Optional.ofNullable(jobs);
  }

  /** How many builds actually ran (cache misses that built). */
  public long buildsRun() {
    return buildsRun.get();
  }

  /** How many requests were answered from the cache. */
  public long cacheHits() {
    return cacheHits.get();
  }

  @Override
  public Result build(Request request) {
    Optional<Built> hit = cached(request.inputHash());
    if (hit.isPresent()) {
      return hit.get();
    }
    long start = System.nanoTime();
    if (jobs == null) {
      BuildLog log = new BuildLog(Clock.systemUTC(), BuildJobs.Limits.defaults().maxLogBytes());
      BuildJobs.Outcome o;
      synchronized (inFlight.computeIfAbsent(request.inputHash(), k -> new Pending("", null))) {
        hit = cached(request.inputHash());
        if (hit.isPresent()) {
          return hit.get();
        }
        o = work(request).run(new JobControl(), log);
      }
      inFlight.remove(request.inputHash());
      return result(request, o, "", log.text(), start);
    }
    Pending p;
    synchronized (inFlight) {
      hit = cached(request.inputHash());
      if (hit.isPresent()) {
        return hit.get();
      }
      p = inFlight.get(request.inputHash());
      if (p == null) {
        BuildJobs.Submitted s =
            jobs.submit(
                request.project(),
                request.resourceName(),
                request.kind(),
                request.inputHash(),
                work(request));
        p = new Pending(s.jobId(), s.done());
        inFlight.put(request.inputHash(), p);
        Pending added = p;
        s.done().whenComplete((o, e) -> inFlight.remove(request.inputHash(), added));
      }
    }
    BuildJobs.Outcome o;
    try {
      o = p.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failed("interrupted while waiting for build job " + p.jobId(), "");
    } catch (ExecutionException e) {
      o = BuildJobs.Outcome.failed("internal error: " + e.getCause());
    }
    String log = jobs.log(p.jobId()).map(BuildLog::text).orElse("");
    return result(request, o, p.jobId(), log, start);
  }

  private Result result(Request r, BuildJobs.Outcome o, String jobId, String log, long start) {
    if (o.state() == BuildJobs.State.SUCCEEDED) {
      return new Built(o.artifact(), false, (System.nanoTime() - start) / 1_000_000, log);
    }
    String where = jobId.isEmpty() ? "" : " (build job " + jobId + ": tau logs " + jobId + ")";
    String what = o.state() == BuildJobs.State.FAILED ? "" : o.state().label() + ": ";
    return new Failed(r.kind() + " " + r.resourceName() + ": " + what + o.message() + where, log);
  }

  private Optional<Built> cached(String inputHash) {
    Optional<Cid> cid = cache.get(inputHash);
    if (cid.isPresent() && store.has(cid.get())) {
      cacheHits.incrementAndGet();
      return Optional.of(new Built(cid.get(), true, 0, ""));
    }
    return Optional.empty();
  }

  /** The work of one attempt of a request's build (retries run it again). */
  private BuildJobs.Work work(Request request) {
    return (control, log) -> {
      long start = System.nanoTime();
      RepoTree sources;
      try {
        sources = request.sources().get();
      } catch (RuntimeException e) {
        return BuildJobs.Outcome.failed("cannot read the sources: " + e.getMessage());
      }
      if (!sources.problems().isEmpty()) {
        for (Problem p : sources.problems()) {
          log.error(p.toString());
        }
        return BuildJobs.Outcome.failed("the sources were refused: " + sources.problems().get(0));
      }
      long deadline = start + sandbox.config().limits().wallTime().toNanos();
      try (BuildContext ctx =
          new BuildContext(
              request.kind(),
              request.resourceName(),
              sources,
              request.settings(),
              log,
              control,
              sandbox,
              deadline)) {
        String[] used = new String[1];
        byte[] out = produce(ctx, used);
        Cid cid = store.put(out);
        pin.accept(cid, "build:" + request.inputHash());
        cache.put(request.inputHash(), cid);
        buildsRun.incrementAndGet();
        return BuildJobs.Outcome.succeeded(
            cid,
            used[0]
                + " built "
                + out.length
                + " bytes in "
                + (System.nanoTime() - start) / 1_000_000
                + " ms: "
                + cid.value());
      } catch (BuildFailure e) {
        return switch (e.reason()) {
          case FAILED -> BuildJobs.Outcome.failed(e.getMessage());
          case TIMED_OUT -> BuildJobs.Outcome.timedOut(e.getMessage());
          case CANCELLED -> BuildJobs.Outcome.cancelled(e.getMessage());
        };
      } catch (IOException e) {
        return BuildJobs.Outcome.failed("storing the artifact failed: " + e.getMessage());
      }
    };
  }

  private byte[] produce(BuildContext ctx, String[] used) throws BuildFailure {
    Optional<BuildFile> file = BuildFile.find(ctx.sources());
    if (file.isPresent() && !file.get().workflow().isEmpty()) {
      used[0] = "workflow";
      return scripts.build(ctx, file.get());
    }
    for (LanguageBuilder b : builders) {
      if (b.accepts(ctx.kind(), ctx.sources())) {
        used[0] = b.id();
        ctx.log().info("builder " + b.id() + " (" + b.toolchain() + ")");
        return b.build(ctx);
      }
    }
    throw new BuildFailure(
        "no buildable source found: expected a .taubyte/config.yaml workflow, or "
            + (ctx.kind().equals("website")
                ? "website files (index.html, or a package.json with a build script)"
                : "main.wat, main.wasm, *.c, an AssemblyScript assembly/index.ts, a Rust"
                    + " lib.rs, a Go main.go or a JavaScript index.js"));
  }

  /** Hex SHA-256 of the UTF-8 text. */
  public static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
