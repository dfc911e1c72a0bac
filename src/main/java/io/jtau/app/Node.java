package io.jtau.app;

import io.jtau.access.AuditLog;
import io.jtau.access.FailureLimiter;
import io.jtau.access.Redactor;
import io.jtau.access.SecretBox;
import io.jtau.access.TokenStore;
import io.jtau.access.Tokens;
import io.jtau.build.BuildCache;
import io.jtau.build.BuildService;
import io.jtau.model.FunctionTarget;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.port.ContentStore;
import io.jtau.port.SourceRepository;
import io.jtau.reconcile.ProjectReconciler;
import io.jtau.reconcile.ProjectSources;
import io.jtau.reconcile.ReconcileListener;
import io.jtau.reconcile.WorkQueue;
import io.jtau.registry.XodusRegistry;
import io.jtau.runtime.gateway.Gateway;
import io.jtau.runtime.wasm.CompiledModule;
import io.jtau.runtime.wasm.WasmRuntime;
import io.jtau.runtime.wasm.WasmRuntimeConfig;
import io.jtau.source.GitRepositories;
import io.jtau.store.FileContentStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The composition root of a node: builds every component with {@code new} on start-up and closes
 * them on shutdown. Other beans reach the components through this one.
 */
@ApplicationScoped
public class Node {

  private static final Logger LOG = Logger.getLogger(Node.class);

  @Inject NodeConfig config;
  @Inject MeterRegistry meters;

  private Path dataDir;
  private GitRepositories git;
  private XodusRegistry registry;
  private FileContentStore store;
  private BuildCache buildCache;
  private BuildService builds;
  private Gateway gateway;
  private WasmRuntime wasm;
  private StatusStore status;
  private ProjectReconciler reconciler;
  private WorkQueue queue;
  private Path operatorTokenFile;
  private TokenStore tokens;
  private AuditLog audit;
  private SecretBox secrets;
  private Redactor redactor;
  private FailureLimiter authFailures;
  private LogRedaction logRedaction;
  private volatile boolean started;

  void onStart(@Observes StartupEvent ev) {
    start();
  }

  void onStop(@Observes ShutdownEvent ev) {
    close();
  }

  synchronized void start() {
    if (started) {
      return;
    }
    long t0 = System.nanoTime();
    dataDir = Path.of(config.dataDir()).toAbsolutePath().normalize();
    try {
      if (config.fresh()) {
        wipe(dataDir);
      }
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare data folder " + dataDir, e);
    }
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    redactor = new Redactor();
    logRedaction = LogRedaction.install(redactor);
    try {
      operatorTokenFile = resolveOperatorTokenFile();
      String operatorToken = Files.readString(operatorTokenFile, StandardCharsets.UTF_8).strip();
      if (!Tokens.wellFormed(operatorToken)) {
        throw new IllegalStateException(
            operatorTokenFile + ": not an operator token (expected jtau_ and 43 characters)");
      }
      tokens = new TokenStore(dataDir.resolve("access"), operatorToken, clock, random);
      secrets = SecretBox.open(dataDir.resolve("keys").resolve("node.key"), random);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the node's keys", e);
    }
    audit = new AuditLog(dataDir.resolve("audit"), clock, redactor);
    authFailures =
        new FailureLimiter(
            clock,
            config.access().maxAuthFailures(),
            Duration.ofMinutes(1),
            Duration.ofSeconds(config.access().coolDownSeconds()),
            10_000);
    git = new GitRepositories(dataDir.resolve("git"));
    registry = new XodusRegistry(dataDir.resolve("registry"), config.retainSnapshots());
    try {
      store = new FileContentStore(dataDir.resolve("store"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the content store", e);
    }
    buildCache = new BuildCache(dataDir.resolve("builds"));
    builds = new BuildService(store, buildCache, BuildService.defaultBuilders());
    gateway = new Gateway();
    wasm =
        new WasmRuntime(WasmRuntimeConfig.defaults().withCacheDir(dataDir.resolve("wasm-cache")));
    status = new StatusStore(clock);
    ProjectSources sources =
        new ProjectSources() {
          @Override
          public Optional<SourceRepository> config(String project) {
            return git.find(project, "config").map(r -> r);
          }

          @Override
          public Optional<SourceRepository> code(String project) {
            return git.find(project, "code").map(r -> r);
          }
        };
    reconciler =
        new ProjectReconciler(
            sources,
            registry,
            builds,
            this::prepare,
            gateway,
            List.of(),
            new AuditingStatusSink(status, redactor, audit, registry),
            clock,
            new ProjectReconciler.Settings(config.fqdn(), generatedSuffix(), config.devMode()));
    Timer.Builder timer = Timer.builder("jtau.reconcile.duration").publishPercentiles(0.5, 0.95);
    ReconcileListener listener =
        (key, result, nanos) -> {
          timer
              .tag("result", result.getClass().getSimpleName())
              .register(meters)
              .record(nanos, TimeUnit.NANOSECONDS);
          if (!(result instanceof ReconcileResult.Done d && !d.changed())) {
            LOG.infof("reconciled %s in %.1f ms: %s", key, nanos / 1e6, summary(result));
          }
        };
    queue =
        new WorkQueue(
            Executors.newFixedThreadPool(config.workers(), named("reconcile")),
            Executors.newSingleThreadScheduledExecutor(named("reconcile-timer")),
            reconciler::reconcile,
            listener,
            new Random(),
            Duration.ofMillis(500),
            Duration.ofMinutes(5));
    meters.gauge("jtau.reconcile.queue.depth", queue, WorkQueue::depth);
    meters.gauge("jtau.builds.run", builds, BuildService::buildsRun);
    meters.gauge("jtau.builds.skipped", builds, BuildService::cacheHits);
    started = true;
    for (String[] repo : git.list()) {
      if (repo[1].equals("config")) {
        enqueueAllBranches(repo[0]);
      }
    }
    LOG.infof("node started in %d ms, data in %s", (System.nanoTime() - t0) / 1_000_000, dataDir);
  }

  private static String summary(ReconcileResult r) {
    if (r instanceof ReconcileResult.Done d) {
      return "done " + d.revision();
    } else if (r instanceof ReconcileResult.Stalled s) {
      return "stalled (" + s.reason() + "): " + s.message();
    } else if (r instanceof ReconcileResult.Waiting w) {
      return "waiting (" + w.reason() + "): " + w.message();
    } else if (r instanceof ReconcileResult.Transient t) {
      return "will retry (" + t.reason() + "): " + t.message();
    } else if (r instanceof ReconcileResult.RequeueAfter q) {
      return "requeue after " + q.delay();
    }
    throw new AssertionError(r);
  }

  private void prepare(FunctionTarget target) throws Exception {
    module(target.module());
  }

  /** The compiled module of a CID, compiling it once. */
  public CompiledModule module(io.jtau.model.Cid cid) throws Exception {
    Optional<CompiledModule> cached = wasm.cached(cid);
    return cached.isPresent() ? cached.get() : wasm.compile(cid, store.read(cid));
  }

  /**
   * The operator token's file: the configured one (it must exist), else {@code
   * <data>/keys/operator.token}, created with a new token (mode 0600) when missing.
   */
  private Path resolveOperatorTokenFile() throws IOException {
    Optional<String> configured = config.access().operatorTokenFile();
    if (configured.isPresent()) {
      Path p = Path.of(configured.get());
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(
            "jtau.access.operator-token-file: " + p + " does not exist (tau config generate)");
      }
      return p;
    }
    Path p = dataDir.resolve("keys").resolve("operator.token");
    if (!Files.exists(p)) {
      Files.createDirectories(p.getParent());
      SecretBox.writePrivate(p, Tokens.generate(new SecureRandom()) + "\n");
    }
    return p;
  }

  /** Asks for a reconcile of every branch this node serves for the project. */
  public void enqueueAllBranches(String project) {
    for (String b : config.branches()) {
      queue.enqueue(new ProjectKey(project, b));
    }
  }

  public String generatedSuffix() {
    return "g." + config.fqdn();
  }

  public NodeConfig config() {
    return config;
  }

  public Path dataDir() {
    return dataDir;
  }

  public GitRepositories git() {
    return git;
  }

  public XodusRegistry registry() {
    return registry;
  }

  public ContentStore store() {
    return store;
  }

  public BuildService builds() {
    return builds;
  }

  public Gateway gateway() {
    return gateway;
  }

  public WasmRuntime wasm() {
    return wasm;
  }

  public StatusStore status() {
    return status;
  }

  public ProjectReconciler reconciler() {
    return reconciler;
  }

  public WorkQueue queue() {
    return queue;
  }

  /** The file holding the operator token (mode 0600). */
  public Path operatorTokenFile() {
    return operatorTokenFile;
  }

  /** Project tokens and access settings. */
  public TokenStore tokens() {
    return tokens;
  }

  /** The audit log. */
  public AuditLog audit() {
    return audit;
  }

  /** Encrypts secrets at rest with the node key. */
  public SecretBox secrets() {
    return secrets;
  }

  /** Removes tokens and registered secrets from texts; register every secret the node learns. */
  public Redactor redactor() {
    return redactor;
  }

  /** Authentication failures per client address. */
  public FailureLimiter authFailures() {
    return authFailures;
  }

  /** Whether the node finished starting (requests before that are refused with 503). */
  public boolean started() {
    return started;
  }

  synchronized void close() {
    if (!started) {
      return;
    }
    started = false;
    queue.close();
    closeQuietly(wasm);
    closeQuietly(git);
    closeQuietly(registry);
    closeQuietly(buildCache);
    closeQuietly(store);
    closeQuietly(tokens);
    closeQuietly(audit);
    if (logRedaction != null) {
      logRedaction.uninstall();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception e) {
      LOG.warnf("closing %s failed: %s", c.getClass().getSimpleName(), e.getMessage());
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
