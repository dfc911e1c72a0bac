package io.jtau.app;

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
import io.jtau.runtime.dns.DnsTxtResolver;
import io.jtau.runtime.dns.DomainClaims;
import io.jtau.runtime.dns.TxtResolver;
import io.jtau.runtime.gateway.BundleCache;
import io.jtau.runtime.gateway.Gateway;
import io.jtau.runtime.gateway.ProjectLimiter;
import io.jtau.runtime.gateway.SelfSigned;
import io.jtau.runtime.gateway.SniKeyManager;
import io.jtau.runtime.gateway.WebsiteServer;
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
import java.net.InetSocketAddress;
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
import java.util.concurrent.ScheduledExecutorService;
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
  private BundleCache bundles;
  private WebsiteServer websites;
  private DomainAuthority authority;
  private DomainClaims claims;
  private DnsService dns;
  private SniKeyManager sni;
  private ExecutorService dnsWorkers;
  private ScheduledExecutorService domainTimer;
  private volatile int dnsPort = -1;
  private ProjectLimiter limiter;
  private WasmRuntime wasm;
  private StatusStore status;
  private ProjectReconciler reconciler;
  private WorkQueue queue;
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
    git = new GitRepositories(dataDir.resolve("git"));
    registry = new XodusRegistry(dataDir.resolve("registry"), config.retainSnapshots());
    try {
      store = new FileContentStore(dataDir.resolve("store"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the content store", e);
    }
    buildCache = new BuildCache(dataDir.resolve("builds"));
    builds = new BuildService(store, buildCache, BuildService.defaultBuilders());
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
    dns = new DnsService(config, () -> gateway.hosts(), clock);
    dnsWorkers = Executors.newCachedThreadPool(named("dns"));
    dnsPort = dns.start(dnsWorkers);
    if (config.acme().enabled()) {
      throw new IllegalStateException(
          "jtau.acme.enabled=true: this node has no ACME client yet; use inline certificates"
              + " (domain certificate.type: inline) or the node's self-signed certificate, and"
              + " set jtau.acme.enabled=false");
    }
    sni = new SniKeyManager();
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
            List.of(new WebsiteApplier(gateway, bundles), new TlsApplier(sni, authority)),
            status,
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

  synchronized void close() {
    if (!started) {
      return;
    }
    started = false;
    queue.close();
    domainTimer.shutdownNow();
    closeQuietly(dns);
    dnsWorkers.shutdownNow();
    closeQuietly(claims);
    closeQuietly(wasm);
    closeQuietly(git);
    closeQuietly(registry);
    closeQuietly(buildCache);
    closeQuietly(store);
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
