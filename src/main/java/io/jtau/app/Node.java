package io.jtau.app;

import io.jtau.access.AuditLog;
import io.jtau.access.FailureLimiter;
import io.jtau.access.Redactor;
import io.jtau.access.SecretBox;
import io.jtau.access.TokenStore;
import io.jtau.access.Tokens;
import io.jtau.build.BuildCache;
import io.jtau.build.BuildJobs;
import io.jtau.build.BuildService;
import io.jtau.build.Sandbox;
import io.jtau.model.FunctionTarget;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.port.CancellationToken;
import io.jtau.port.ContentStore;
import io.jtau.port.SourceRepository;
import io.jtau.reconcile.ProjectReconciler;
import io.jtau.reconcile.ProjectSources;
import io.jtau.reconcile.ReconcileListener;
import io.jtau.reconcile.SafetyPass;
import io.jtau.reconcile.WorkQueue;
import io.jtau.registry.XodusRegistry;
import io.jtau.runtime.dns.DnsTxtResolver;
import io.jtau.runtime.dns.DomainClaims;
import io.jtau.runtime.dns.TxtResolver;
import io.jtau.runtime.gateway.BundleCache;
import io.jtau.runtime.gateway.Gateway;
import io.jtau.runtime.gateway.ProjectLimiter;
import io.jtau.runtime.gateway.SelfSigned;
import io.jtau.runtime.gateway.SniKeyManager;
import io.jtau.runtime.gateway.WebsiteServer;
import io.jtau.runtime.kv.KvStore;
import io.jtau.runtime.pubsub.Broker;
import io.jtau.runtime.wasm.CompiledModule;
import io.jtau.runtime.wasm.GuestServices;
import io.jtau.runtime.wasm.Invocation;
import io.jtau.runtime.wasm.WasmRuntime;
import io.jtau.runtime.wasm.WasmRuntimeConfig;
import io.jtau.source.GitHostApi;
import io.jtau.source.GitRepositories;
import io.jtau.source.MirrorSync;
import io.jtau.source.ProjectStore;
import io.jtau.source.RepoUrlGuard;
import io.jtau.store.FileContentStore;
import io.jtau.store.ObjectStorage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
  @Inject SourcesConfig sourcesConfig;
  @Inject GithubConfig githubConfig;
  @Inject HttpPort httpPort;
  @Inject MeterRegistry meters;

  private Path dataDir;
  private GitRepositories git;
  private XodusRegistry registry;
  private FileContentStore store;
  private PinnedRegistry pinnedRegistry;
  private BuildCache buildCache;
  private BuildService builds;
  private BuildJobs buildJobs;
  private java.util.concurrent.ExecutorService buildExecutor;
  private Gateway gateway;
  private BundleCache bundles;
  private WebsiteServer websites;
  private DomainAuthority authority;
  private DomainClaims claims;
  private DnsService dns;
  private SniKeyManager sni;
  private final io.jtau.runtime.gateway.AcmeChallenges acmeChallenges =
      new io.jtau.runtime.gateway.AcmeChallenges();
  private volatile AcmeService acme;
  private ExecutorService dnsWorkers;
  private ScheduledExecutorService domainTimer;
  private volatile int dnsPort = -1;
  private ProjectLimiter limiter;
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
  private SafetyPass safetyPass;
  private java.util.concurrent.ScheduledExecutorService timers;
  private final java.util.Set<ProjectKey> agedKeys =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private KvStore kv;
  private ObjectStorage objects;
  private Broker broker;
  private ExecutorService deliveries;
  private DataPlane data;
  private ProjectStore projectStore;
  private ProjectRegistry projects;
  private java.util.concurrent.ScheduledExecutorService sourcesTimer;
  private java.util.concurrent.ExecutorService fetchers;
  private java.util.concurrent.ExecutorService statusReporter;
  private volatile boolean started;
  private final List<StartupStep> startupSteps = new java.util.concurrent.CopyOnWriteArrayList<>();
  private long stepStart;

  /** One timed step of {@link #start}, shown by {@code tau dream} while it starts. */
  public record StartupStep(String name, long millis) {}

  /** Records the step that ends now; the next one starts now. */
  private void step(String name) {
    long now = System.nanoTime();
    startupSteps.add(new StartupStep(name, (now - stepStart) / 1_000_000));
    stepStart = now;
  }

  /** The timed steps of the node's start, in order (empty before it starts). Thread-safe. */
  public List<StartupStep> startupSteps() {
    return List.copyOf(startupSteps);
  }

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
    stepStart = t0;
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
    step("data folder and keys");
    git = new GitRepositories(dataDir.resolve("git"));
    registry =
        new XodusRegistry(
            dataDir.resolve("registry"),
            config.retainSnapshots(),
            new BoxSealer(secrets, redactor));
    try {
      store = new FileContentStore(dataDir.resolve("store"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the content store", e);
    }
    pinnedRegistry = new PinnedRegistry(registry, store);
    // Snapshots published before a crash (or before pins existed) get their pins; pruned ones lose
    // theirs.
    pinnedRegistry.syncAll();
    step("Git server, registry, content store");
    NodeConfig.Build bc = config.build();
    buildCache =
        new BuildCache(
            dataDir.resolve("builds"),
            bc.cacheEntries(),
            (hash, cid) -> unpin(cid, "build:" + hash));
    Sandbox sandbox =
        new Sandbox(
            new Sandbox.Config(
                Sandbox.findBwrap(),
                bc.allowUnsandboxed(),
                bc.allowNetwork(),
                bc.workDir()
                    .map(Path::of)
                    .orElse(Path.of(System.getProperty("java.io.tmpdir"), "jtau-builds")),
                new Sandbox.Limits(
                    Duration.ofSeconds(bc.wallTimeSeconds()),
                    bc.cpuSeconds(),
                    bc.maxFileMb() << 20,
                    bc.maxOutputMb() << 20,
                    bc.maxProcesses())),
            new java.security.SecureRandom());
    if (!sandbox.sandboxed()) {
      LOG.warnf(
          "bwrap not found: build scripts are %s (apt-get install bubblewrap)",
          bc.allowUnsandboxed() ? "run WITHOUT a sandbox" : "refused");
    }
    buildExecutor = Executors.newFixedThreadPool(bc.concurrency(), named("build"));
    buildJobs =
        new BuildJobs(
            dataDir.resolve("build-jobs"),
            new BuildJobs.Limits(bc.perProject(), bc.concurrency(), 1000, 4L << 20),
            buildExecutor,
            clock,
            new java.security.SecureRandom(),
            store,
            this::pin,
            this::unpin,
            job -> {
              // A retried build that succeeds is in the cache now: let the project pick it up.
              if (job.attempts() > 1 && job.state() == BuildJobs.State.SUCCEEDED && started) {
                enqueueAllBranches(job.project());
              }
            });
    builds =
        new BuildService(
            store,
            buildCache,
            buildJobs,
            sandbox,
            BuildService.allBuilders(Path.of(bc.npmCache())),
            this::pin);
    step("build service and sandbox");
    bundles =
        new BundleCache(
            store,
            dataDir.resolve("websites"),
            256,
            io.jtau.runtime.gateway.Bundle.Limits.defaults());
    websites =
        new WebsiteServer(
            bundles, store, Compression.available(), WebsiteServer.Settings.defaults());
    claims =
        new DomainClaims(
            dataDir.resolve("domains"),
            clock,
            new SecureRandom(),
            txtResolver(),
            new DomainClaims.Settings(
                Duration.ofHours(config.domains().graceHours()),
                Duration.ofDays(config.domains().claimTtlDays())));
    authority = new DomainAuthority(config.fqdn(), generatedSuffix(), claims::isVerified);
    gateway = new Gateway(authority, bundles, this::routesChanged);
    dns = new DnsService(config, () -> gateway.hosts(), acmeChallenges::dns01Records, clock);
    // A DNS-01 answer is in the zone before the CA is told to look, and gone when the order ends.
    acmeChallenges.onDns01Change(dns::rebuild);
    dnsWorkers = Executors.newCachedThreadPool(named("dns"));
    dnsPort = dns.start(dnsWorkers);
    sni = new SniKeyManager();
    sni.setAcmeChallenges(acmeChallenges);
    if (config.tls().port() >= 0) {
      try {
        sni.setDefault(
            SelfSigned.loadOrCreate(
                dataDir.resolve("tls"),
                List.of(
                    config.fqdn(), "*." + generatedSuffix(), "*.tau." + config.fqdn(), "localhost"),
                List.of("127.0.0.1", "::1"),
                new SecureRandom()));
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new IllegalStateException(
            "cannot make the node's TLS certificate: " + e.getMessage(), e);
      }
    }
    if (config.acme().enabled()) {
      config
          .acme()
          .eabHmacKey()
          .filter(k -> !k.isBlank())
          .map(String::strip)
          .ifPresent(redactor::register);
      try {
        acme =
            AcmeService.start(
                config,
                dataDir.resolve("acme"),
                clock,
                secrets,
                acmeChallenges,
                sni,
                this::acmeProjectNames,
                claims::isVerifiedByAny,
                named("acme"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the ACME folder: " + e.getMessage(), e);
      }
    }
    step("gateway, DNS, TLS");
    domainTimer = Executors.newSingleThreadScheduledExecutor(named("domains"));
    int every = Math.max(10, config.domains().reverifySeconds());
    domainTimer.scheduleWithFixedDelay(this::reverifyDomains, every, every, TimeUnit.SECONDS);
    NodeConfig.Gateway gw = config.gateway();
    limiter =
        new ProjectLimiter(
            new ProjectLimiter.Settings(gw.ratePerSecond(), gw.burst(), gw.maxConcurrent()),
            System::nanoTime);
    wasm =
        new WasmRuntime(WasmRuntimeConfig.defaults().withCacheDir(dataDir.resolve("wasm-cache")));
    status = new StatusStore(clock);
    try {
      kv = new KvStore(dataDir.resolve("kv"), KvStore.Settings.defaults());
      objects = new ObjectStorage(dataDir.resolve("objects"), store);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the data stores", e);
    }
    deliveries =
        new ThreadPoolExecutor(
            32, 32, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named("pubsub"));
    ((ThreadPoolExecutor) deliveries).allowCoreThreadTimeOut(true);
    broker = new Broker(deliveries);
    data =
        new DataPlane(
            kv,
            objects,
            broker,
            new DataPlane.Runner() {
              @Override
              public void prepare(FunctionTarget target) throws Exception {
                module(target.module());
              }

              @Override
              public void invokePubSub(
                  FunctionTarget t, GuestServices services, String topic, byte[] payload) {
                try {
                  var outcome =
                      wasm.invokePubSub(
                          module(t.module()),
                          invocation(t, services),
                          new io.jtau.runtime.wasm.PubSubMessage(topic, payload));
                  if (!outcome.ok()) {
                    LOG.debugf("pubsub function %s failed: %s", t.name(), outcome.reason());
                  }
                } catch (Exception e) {
                  LOG.debugf("pubsub function %s failed: %s", t.name(), e.getMessage());
                }
              }

              @Override
              public io.jtau.runtime.wasm.EventResult invokeP2P(
                  FunctionTarget t,
                  GuestServices services,
                  io.jtau.runtime.wasm.P2PRequest request) {
                try {
                  return wasm.invokeP2P(module(t.module()), invocation(t, services), request);
                } catch (Exception e) {
                  return new io.jtau.runtime.wasm.EventResult(
                      false, "cannot load " + t.name() + ": " + e.getMessage(), 0, null, "");
                }
              }
            },
            DataPlane.Settings.defaults(),
            new GuestContent(store, GuestContent.Settings.defaults()));
    step("Wasm runtime, databases, storages, pub/sub");
    startProjects(clock);
    GitHostApi hostApi = new GitHostApi();
    statusReporter = Executors.newSingleThreadExecutor(named("commit-status"));
    CommitStatusSink statusSink = new CommitStatusSink(status, projects, hostApi, statusReporter);
    ProjectSources sources =
        new ProjectSources() {
          @Override
          public Optional<SourceRepository> config(String project) {
            Optional<SourceRepository> hosted = git.find(project, "config").map(r -> r);
            return hosted.isPresent() ? hosted : projects.config(project);
          }

          @Override
          public Optional<SourceRepository> code(String project) {
            if (git.find(project, "config").isPresent()) {
              return git.find(project, "code").map(r -> r);
            }
            return projects.code(project);
          }

          @Override
          public Optional<SourceRepository> repository(String project, String fullname) {
            if (git.find(project, "config").isPresent()) {
              // A hosted project keeps its website and library repositories next to its own:
              // owner/name is served from <project>/<name>.git on this node.
              if (fullname == null) {
                return Optional.empty();
              }
              String name =
                  fullname
                      .substring(fullname.lastIndexOf('/') + 1)
                      .toLowerCase(java.util.Locale.ROOT);
              if (name.endsWith(".git")) {
                name = name.substring(0, name.length() - 4);
              }
              if (name.equals("config") || name.equals("code")) {
                return Optional.empty();
              }
              return git.find(project, name).map(r -> r);
            }
            return projects.repository(project, fullname);
          }
        };
    reconciler =
        new ProjectReconciler(
            sources,
            pinnedRegistry,
            builds,
            this::prepare,
            gateway,
            List.of(new WebsiteApplier(gateway, bundles), new TlsApplier(sni, authority), data),
            new AuditingStatusSink(statusSink, redactor, audit, registry),
            clock,
            new ProjectReconciler.Settings(
                config.fqdn(), generatedSuffix(), config.devMode(), config.branches()));
    Timer.Builder timer = Timer.builder("jtau.reconcile.duration").publishPercentiles(0.5, 0.95);
    ReconcileListener listener =
        (key, result, nanos) -> {
          timer
              .tag("result", result.getClass().getSimpleName())
              .register(meters)
              .record(nanos, TimeUnit.NANOSECONDS);
          if (result instanceof ReconcileResult.Done) {
            trackAppliedAge(key);
          }
          boolean quiet =
              (result instanceof ReconcileResult.Done d && !d.changed())
                  // A branch the project does not have (master next to main) is re-checked
                  // every minute: worth a debug line, not an info line each time.
                  || (result instanceof ReconcileResult.Waiting w && w.reason().equals("NoCommit"));
          if (quiet) {
            LOG.debugf("reconciled %s in %.1f ms: %s", key, nanos / 1e6, summary(result));
          } else {
            LOG.infof(
                "reconciled %s in %.1f ms%s: %s",
                key, nanos / 1e6, stepTimes(key), summary(result));
          }
        };
    ProjectReconciler r = reconciler;
    WorkQueue.Task task =
        new WorkQueue.Task() {
          @Override
          public ReconcileResult run(ProjectKey key, CancellationToken cancel) {
            return r.reconcile(key, cancel);
          }

          @Override
          public boolean superseded(ProjectKey key) {
            return r.superseded(key);
          }
        };
    if (timers == null) {
      timers = Executors.newSingleThreadScheduledExecutor(named("reconcile-timer"));
    }
    queue =
        new WorkQueue(
            Executors.newFixedThreadPool(config.workers(), named("reconcile")),
            timers,
            task,
            listener,
            new Random(),
            Duration.ofMillis(500),
            Duration.ofMinutes(5),
            Duration.ofMillis(config.reconcileMinIntervalMillis()),
            clock);
    registerMetrics(clock);
    safetyPass =
        new SafetyPass(
            timers,
            this::knownKeys,
            queue::enqueue,
            Duration.ofSeconds(config.safetyPassSeconds()),
            new Random());
    started = true;
    safetyPass.start();
    projects.start();
    knownKeys().forEach(queue::enqueue);
    step("reconcile loop");
    LOG.infof("node started in %d ms, data in %s", (System.nanoTime() - t0) / 1_000_000, dataDir);
  }

  private void registerMetrics(Clock clock) {
    meters.gauge("jtau.reconcile.queue.depth", queue, WorkQueue::depth);
    FunctionCounter.builder("jtau.builds.run", builds, BuildService::buildsRun)
        .description("Builds that ran (input hash never built before)")
        .register(meters);
    FunctionCounter.builder("jtau.builds.skipped", builds, BuildService::cacheHits)
        .description("Builds skipped because their input hash was already built")
        .register(meters);
  }

  /**
   * Registers the per-key gauge of the last applied revision's age the first time a key applies.
   */
  private void trackAppliedAge(ProjectKey key) {
    if (agedKeys.add(key)) {
      Gauge.builder(
              "jtau.reconcile.last.applied.age",
              reconciler,
              rec ->
                  rec.appliedAtMillis(key)
                      .map(t -> (Clock.systemUTC().millis() - t) / 1000.0)
                      .orElse(Double.NaN))
          .description("Seconds since this node last applied the revision the key serves")
          .baseUnit("seconds")
          .tag("project", key.project())
          .tag("branch", key.branch())
          .register(meters);
    }
  }

  /**
   * Every key the node knows: each config repository with each served branch, plus every key the
   * registry has a current snapshot for.
   */
  public java.util.Set<ProjectKey> knownKeys() {
    java.util.Set<ProjectKey> keys = new java.util.LinkedHashSet<>();
    for (String[] repo : git.list()) {
      if (repo[1].equals("config")) {
        for (String b : config.branches()) {
          keys.add(new ProjectKey(repo[0], b));
        }
      }
    }
    keys.addAll(registry.keys());
    return keys;
  }

  /** The safety pass (for tests and status). */
  public SafetyPass safetyPass() {
    return safetyPass;
  }

  /** Opens the registered remote projects (their mirrors start fetching once the queue runs). */
  private void startProjects(Clock clock) {
    SecureRandom random = new SecureRandom();
    projectStore = new ProjectStore(dataDir.resolve("projects"));
    try {
      SealedSecretsMigration.Result moved =
          SealedSecretsMigration.run(projectStore, dataDir.resolve("node.key"), secrets);
      if (moved.rewritten() > 0 || moved.legacyKeyDeleted()) {
        LOG.infof(
            "moved %d stored secret(s) of remote projects to the node's secret box",
            moved.rewritten());
      }
      for (String f : moved.failed()) {
        LOG.warnf("a remote project's secrets stay in the former format: %s", f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot migrate the remote projects' secrets", e);
    }
    Supplier<String> publicUrl =
        () ->
            sourcesConfig
                .publicUrl()
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
                .orElseGet(() -> "http://localhost:" + httpPort.get());
    RepoUrlGuard guard = RepoUrlGuard.system(sourcesConfig.allowPrivate(), this::ownOrigins);
    sourcesTimer = Executors.newSingleThreadScheduledExecutor(named("mirror-timer"));
    fetchers =
        Executors.newFixedThreadPool(Math.max(1, sourcesConfig.fetchThreads()), named("fetch"));
    projects =
        new ProjectRegistry(
            new ProjectRegistry.Settings(
                dataDir,
                config.branches(),
                Duration.ofSeconds(sourcesConfig.pollSeconds()),
                Duration.ofSeconds(Math.max(1, sourcesConfig.fetchTimeoutSeconds())),
                Duration.ofMillis(Math.max(1, sourcesConfig.retryFirstMillis())),
                Duration.ofSeconds(Math.max(1, sourcesConfig.retryMaxSeconds())),
                githubConfig.apiUrl(),
                publicUrl),
            secrets,
            projectStore,
            guard,
            new GitHostApi(),
            new MirrorSync.Settings(
                Duration.ofSeconds(sourcesConfig.pollSeconds()),
                Duration.ofMillis(Math.max(1, sourcesConfig.retryFirstMillis())),
                Duration.ofSeconds(Math.max(1, sourcesConfig.retryMaxSeconds()))),
            sourcesTimer,
            fetchers,
            random,
            clock,
            status,
            k -> {
              if (queue != null) {
                queue.enqueue(k);
              }
            },
            name -> git.find(name, "config").isPresent());
    // Before any project is registered or opened: every token and hook secret the registry seals
    // or opens is known to the redactor from its first use.
    projects.onSecret(redactor::register);
  }

  /** Origins of this node's own Git server, which remote projects may use over plain http. */
  private List<String> ownOrigins() {
    int port = httpPort.get();
    return List.of("http://127.0.0.1:" + port, "http://localhost:" + port, "http://[::1]:" + port);
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

  private void pin(io.jtau.model.Cid cid, String owner) {
    try {
      store.pin(cid, owner);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pin " + cid.value() + " for " + owner, e);
    }
  }

  private void unpin(io.jtau.model.Cid cid, String owner) {
    try {
      store.unpin(cid, owner);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpin " + cid.value() + " for " + owner, e);
    }
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

  /** The invocation of a deployed function with the given backends. */
  public static Invocation invocation(FunctionTarget t, GuestServices services) {
    return new Invocation(
        t.projectId(),
        t.application() == null ? "" : t.application(),
        t.resourceId(),
        t.commit(),
        t.key().branch(),
        t.call(),
        t.memoryBytes(),
        t.timeoutNanos(),
        services);
  }

  /** The data services a function of this project branch reaches through its guest ABI. */
  public GuestServices guestServices(ProjectKey key) {
    return data.services(key);
  }

  /** Databases, globals, object storages and pub/sub channels. */
  public DataPlane data() {
    return data;
  }

  /**
   * The URLs a key serves on this node's HTTP port: every function route of its current snapshot
   * and every website path the gateway serves for it. Sorted.
   */
  public List<String> urls(ProjectKey key, int httpPort) {
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    registry
        .current(key)
        .ifPresent(
            snap ->
                ProjectReconciler.desiredRoutes(key, snap)
                    .forEach(r -> out.add("http://" + r.host() + ":" + httpPort + r.path())));
    for (io.jtau.model.WebsiteRoute w : gateway.websites(key)) {
      for (String path : w.paths()) {
        out.add("http://" + w.host() + ":" + httpPort + path);
      }
    }
    return List.copyOf(out);
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

  /**
   * Collects the content store's unreferenced blocks older than {@code grace}, after making its
   * pins match every snapshot the registry keeps. Blocking; safe while the node runs.
   */
  public PinnedRegistry.GcOutcome gc(Duration grace) throws IOException {
    return pinnedRegistry.gc(grace);
  }

  public BuildService builds() {
    return builds;
  }

  /** Build jobs: list, cancel, retry, logs. */
  public BuildJobs buildJobs() {
    return buildJobs;
  }

  public Gateway gateway() {
    return gateway;
  }

  /** Serves website files from bundles. */
  public WebsiteServer websites() {
    return websites;
  }

  /** Opened website bundles. */
  public BundleCache bundles() {
    return bundles;
  }

  /** Per-project request admission. */
  public ProjectLimiter limiter() {
    return limiter;
  }

  private void routesChanged() {
    DnsService d = dns;
    if (d != null) {
      d.rebuild();
    }
    AcmeService a = acme;
    if (a != null) {
      a.wake();
    }
  }

  /**
   * The domains projects declare with {@code certificate.type: auto} (the default) and hold a
   * verified claim on: the project names ACME keeps certificates for. Generated domains are left
   * out: they share the node's one wildcard ({@code jtau.acme.wildcard-generated}, DNS-01).
   */
  java.util.Set<String> acmeProjectNames() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (ProjectKey k : knownKeys()) {
      Optional<io.jtau.model.Snapshot> s = registry.current(k);
      if (s.isEmpty()) {
        continue;
      }
      for (io.jtau.model.Resource.Domain d :
          s.get().config().all(io.jtau.model.Resource.Domain.class)) {
        String fqdn = d.fqdn().toLowerCase(java.util.Locale.ROOT);
        if (!"inline".equals(d.certType())
            && !authority.isGenerated(fqdn)
            && claims.isVerified(k.project(), fqdn)) {
          out.add(fqdn);
        }
      }
    }
    return out;
  }

  /** HTTP-01 challenges being validated (answered by the gateway). */
  public io.jtau.runtime.gateway.AcmeChallenges acmeChallenges() {
    return acmeChallenges;
  }

  /** ACME certificates, or empty when {@code jtau.acme.enabled} is false. */
  public Optional<io.jtau.runtime.gateway.AcmeCertificates> acme() {
    AcmeService a = acme;
    return a == null ? Optional.empty() : Optional.of(a.certificates());
  }

  /** Asks ACME to look for due names now (a claim verified, a config applied). */
  public void acmeWake() {
    AcmeService a = acme;
    if (a != null) {
      a.wake();
    }
  }

  private TxtResolver txtResolver() {
    Optional<String> r = config.domains().resolver();
    if (r.isPresent()) {
      String[] hp = r.get().trim().split(":");
      int port = hp.length > 1 ? Integer.parseInt(hp[1]) : 53;
      return new DnsTxtResolver(new InetSocketAddress(hp[0], port));
    }
    try {
      return new DnsTxtResolver();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the system DNS resolver", e);
    }
  }

  /** Re-verifies every domain claim; a name that starts or stops verifying moves at once. */
  void reverifyDomains() {
    try {
      boolean changed =
          claims.reverifyAll(
              this::projectId, (project, fqdn) -> git.find(project, "config").isPresent());
      if (changed) {
        gateway.refresh();
      }
    } catch (RuntimeException e) {
      LOG.warnf("domain re-verification failed: %s", e.getMessage());
    }
  }

  /** The id ({@code config.yaml} id) of a project from its current snapshot, or null. */
  public String projectId(String project) {
    for (String b : config.branches()) {
      Optional<io.jtau.model.Snapshot> s = registry.current(new ProjectKey(project, b));
      if (s.isPresent()) {
        return s.get().config().id();
      }
    }
    return null;
  }

  /** Server certificates chosen by SNI. */
  public SniKeyManager sni() {
    return sni;
  }

  /** Custom-domain claims. */
  public DomainClaims claims() {
    return claims;
  }

  /** The node's DNS (zones; port when enabled). */
  public DnsService dns() {
    return dns;
  }

  /** The bound DNS port, or -1 when DNS is off. */
  public int dnsPort() {
    return dnsPort;
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
  /**
   * The steps of the key's last reconcile that took 1 ms or more, for the log: " (builds 21, ...)".
   */
  private String stepTimes(ProjectKey key) {
    StringBuilder b = new StringBuilder();
    reconciler
        .lastRunSteps(key)
        .forEach(
            (step, nanos) -> {
              if (nanos >= 1_000_000) {
                b.append(b.length() == 0 ? " (" : ", ").append(step).append(' ');
                b.append(nanos / 1_000_000);
              }
            });
    return b.length() == 0 ? "" : b.append(" ms)").toString();
  }

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

  /** The registered remote projects. */
  public ProjectRegistry projects() {
    return projects;
  }

  synchronized void close() {
    if (!started) {
      return;
    }
    started = false;
    safetyPass.close();
    queue.close();
    closeQuietly(buildJobs);
    if (buildExecutor != null) {
      buildExecutor.shutdownNow();
    }
    data.close();
    deliveries.shutdownNow();
    closeQuietly(projects);
    if (sourcesTimer != null) {
      sourcesTimer.shutdownNow();
      fetchers.shutdownNow();
      statusReporter.shutdownNow();
    }
    closeQuietly(projectStore);
    domainTimer.shutdownNow();
    closeQuietly(acme);
    acme = null;
    closeQuietly(dns);
    dnsWorkers.shutdownNow();
    closeQuietly(claims);
    closeQuietly(wasm);
    closeQuietly(kv);
    closeQuietly(objects);
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
