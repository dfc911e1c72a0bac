package io.jtau.reconcile;

import io.jtau.model.Cid;
import io.jtau.model.Condition;
import io.jtau.model.FunctionTarget;
import io.jtau.model.Problem;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.model.RepoTree;
import io.jtau.model.Resource;
import io.jtau.model.Route;
import io.jtau.model.Snapshot;
import io.jtau.port.Builder;
import io.jtau.port.Registry;
import io.jtau.port.RuntimeDriver;
import io.jtau.port.SourceRepository;
import io.jtau.port.StatusSink;
import io.jtau.schema.CompileOptions;
import io.jtau.schema.CompileResult;
import io.jtau.schema.ConfigCompiler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reconciles one (project, branch) key toward the heads of its repositories.
 *
 * <p>Contract: the input is only the key; everything else is re-read. The same heads give the same
 * snapshot and the same routes. A run whose heads equal the revision already applied, with the
 * routes still in place, returns at once ({@code Done(changed=false)}). Steps, each a method:
 * {@link #reconcileSource}, {@link #reconcileConfig}, {@link #reconcileBuilds}, {@link
 * #reconcileModules}, {@link #reconcileRegistry}, {@link #reconcileRoutes}; modules are compiled
 * before the snapshot is published and routes flip last, so traffic only moves to ready targets.
 * Invalid config or code stalls the key (no retry until a new commit) and the previous version
 * keeps serving. Thread-safe for different keys; the work queue runs one reconcile per key at a
 * time.
 */
public final class ProjectReconciler {

  /** Node settings that affect compilation. */
  public record Settings(String cloudFqdn, String generatedSuffix, boolean devMode) {}

  /** The heads a run works on. */
  record Heads(
      SourceRepository config, String configCommit, SourceRepository code, String codeCommit) {
    String revision() {
      return Snapshot.revisionOf(configCommit, codeCommit);
    }
  }

  /** A failure that waits for a new commit. */
  static final class StalledException extends Exception {
    final String reason;

    StalledException(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  private final ProjectSources sources;
  private final Registry registry;
  private final Builder builder;
  private final ModulePreparer preparer;
  private final RuntimeDriver<Route> routes;
  private final List<StateApplier> appliers;
  private final StatusSink status;
  private final Clock clock;
  private final Settings settings;
  private final Map<String, ConfigCompiler> compilers = new ConcurrentHashMap<>();
  private final Map<ProjectKey, Applied> applied = new ConcurrentHashMap<>();
  private final Map<ProjectKey, String> stalled = new ConcurrentHashMap<>();

  private record Applied(String revision, Set<Route> routes) {}

  public ProjectReconciler(
      ProjectSources sources,
      Registry registry,
      Builder builder,
      ModulePreparer preparer,
      RuntimeDriver<Route> routes,
      List<StateApplier> appliers,
      StatusSink status,
      Clock clock,
      Settings settings) {
    this.appliers =
        appliers.stream().sorted(java.util.Comparator.comparingInt(StateApplier::wave)).toList();
    this.sources = sources;
    this.registry = registry;
    this.builder = builder;
    this.preparer = preparer;
    this.routes = routes;
    this.status = status;
    this.clock = clock;
    this.settings = settings;
  }

  /** Runs one reconcile of the key and says what should happen next. Never throws. */
  public ReconcileResult reconcile(ProjectKey key) {
    Heads heads;
    try {
      Optional<Heads> h = reconcileSource(key);
      if (h.isEmpty()) {
        return new ReconcileResult.Waiting(
            "NoCommit",
            "branch " + key.branch() + " of " + key.project() + "/config has no commit yet",
            Duration.ofSeconds(60));
      }
      heads = h.get();
    } catch (RuntimeException e) {
      return transientFailure(key, "SourceUnavailable", e);
    }
    String revision = heads.revision();
    Applied done = applied.get(key);
    if (done != null && done.revision.equals(revision) && done.routes.equals(routes.observe(key))) {
      return new ReconcileResult.Done(revision, false);
    }
    if (revision.equals(stalled.get(key))) {
      return new ReconcileResult.Stalled(revision, "Unchanged", "waiting for a new commit");
    }
    condition(key, "Reconciling", true, "Progressing", "applying " + revision, revision);
    try {
      Snapshot snapshot =
          registry
              .current(key)
              .filter(s -> s.revision().equals(revision))
              .or(() -> registry.snapshot(key, revision))
              .orElse(null);
      boolean fresh = snapshot == null;
      if (fresh) {
        ProjectConfig config = reconcileConfig(key, heads);
        Map<String, String> assets = reconcileBuilds(key, heads, config);
        snapshot =
            new Snapshot(
                key,
                revision,
                heads.configCommit,
                heads.codeCommit,
                clock.millis(),
                config,
                assets,
                Map.of(),
                List.of());
      }
      Set<Route> desired = desiredRoutes(key, snapshot);
      reconcileModules(desired);
      reconcilePrepare(key, snapshot);
      reconcileRegistry(key, snapshot);
      reconcileRuntimes(key, snapshot);
      reconcileRoutes(key, desired);
      applied.put(key, new Applied(revision, routes.observe(key)));
      stalled.remove(key);
      condition(key, "Ready", true, "Applied", "serving " + revision, revision);
      status.event(key, "Normal", "Applied", "revision " + revision + " is live");
      return new ReconcileResult.Done(revision, true);
    } catch (StalledException e) {
      stalled.put(key, revision);
      condition(key, "Ready", false, e.reason, e.getMessage(), revision);
      status.event(key, "Warning", e.reason, e.getMessage());
      return new ReconcileResult.Stalled(revision, e.reason, e.getMessage());
    } catch (RuntimeException e) {
      return transientFailure(key, "ApplyFailed", e);
    }
  }

  private ReconcileResult transientFailure(ProjectKey key, String reason, RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    status.event(key, "Warning", reason, message);
    return new ReconcileResult.Transient(reason, message);
  }

  /** Reads the heads of the key's repositories. Empty when the config branch has no commit. */
  Optional<Heads> reconcileSource(ProjectKey key) {
    Optional<SourceRepository> config = sources.config(key.project());
    if (config.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> configHead = config.get().head(key.branch());
    if (configHead.isEmpty()) {
      return Optional.empty();
    }
    SourceRepository code = sources.code(key.project()).orElse(null);
    String codeHead = code == null ? "" : code.head(key.branch()).orElse("");
    return Optional.of(new Heads(config.get(), configHead.get(), code, codeHead));
  }

  /** Compiles the config commit; all problems are reported at once. */
  ProjectConfig reconcileConfig(ProjectKey key, Heads heads) throws StalledException {
    RepoTree tree = heads.config.read(heads.configCommit, "", SourceRepository.ReadLimits.CONFIG);
    ConfigCompiler compiler =
        compilers.computeIfAbsent(
            key.branch(),
            b ->
                new ConfigCompiler(
                    new CompileOptions(
                        b, settings.cloudFqdn(), settings.generatedSuffix(), settings.devMode())));
    CompileResult result = compiler.compile(tree);
    List<Problem> errors = new ArrayList<>();
    tree.problems().stream().filter(Problem::isError).forEach(errors::add);
    result.problems().stream().filter(Problem::isError).forEach(errors::add);
    if (!errors.isEmpty() || result.config() == null) {
      throw new StalledException(
          "InvalidConfig",
          "config commit "
              + shortId(heads.configCommit)
              + " has "
              + errors.size()
              + " problem(s):\n"
              + errors.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    }
    return result.config();
  }

  /** Builds every function whose code is in the code repository; returns asset key → CID. */
  Map<String, String> reconcileBuilds(ProjectKey key, Heads heads, ProjectConfig config)
      throws StalledException {
    Map<String, String> assets = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    for (Resource.Function f : config.all(Resource.Function.class)) {
      if (!".".equals(f.source())) {
        failures.add(
            "function "
                + f.name()
                + ": source "
                + f.source()
                + " (library code) cannot be built by this node yet");
        continue;
      }
      String folder = "functions/" + f.name();
      if (heads.code == null || heads.codeCommit.isEmpty()) {
        failures.add("function " + f.name() + ": the project has no code repository commit");
        continue;
      }
      Optional<String> tree = heads.code.treeId(heads.codeCommit, folder);
      if (tree.isEmpty()) {
        failures.add(
            "function "
                + f.name()
                + ": folder "
                + folder
                + " not found in the code repository at "
                + shortId(heads.codeCommit));
        continue;
      }
      String inputHash = sha256("function\n" + tree.get() + "\n" + builder.fingerprint());
      SourceRepository code = heads.code;
      String codeCommit = heads.codeCommit;
      Builder.Result r =
          builder.build(
              new Builder.Request(
                  key.project(),
                  f.id(),
                  f.name(),
                  "function",
                  inputHash,
                  () -> code.read(codeCommit, folder, SourceRepository.ReadLimits.CODE),
                  Map.of("call", f.call())));
      if (r instanceof Builder.Built b) {
        assets.put(Snapshot.assetKey(f), b.artifact().value());
        if (!b.cached()) {
          status.event(
              key, "Normal", "Built", "function " + f.name() + " built in " + b.millis() + " ms");
        }
      } else if (r instanceof Builder.Failed fail) {
        failures.add(fail.message());
      } else {
        throw new AssertionError(r);
      }
    }
    if (!failures.isEmpty()) {
      throw new StalledException("BuildFailed", String.join("\n", failures));
    }
    return assets;
  }

  /** Compiles every module a desired route points at, before anything is published. */
  void reconcileModules(Set<Route> desired) throws StalledException {
    Set<FunctionTarget> targets = new HashSet<>();
    desired.forEach(r -> targets.add(r.function()));
    List<String> failures = new ArrayList<>();
    for (FunctionTarget t : targets) {
      try {
        preparer.prepare(t);
      } catch (Exception e) {
        failures.add("function " + t.name() + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new StalledException("ModuleInvalid", String.join("\n", failures));
    }
  }

  /** Lets every runtime check the snapshot before anything changes. */
  void reconcilePrepare(ProjectKey key, Snapshot snapshot) throws StalledException {
    List<String> failures = new ArrayList<>();
    for (StateApplier a : appliers) {
      try {
        a.prepare(key, snapshot);
      } catch (Exception e) {
        failures.add(a.name() + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new StalledException("RuntimeRejected", String.join("\n", failures));
    }
  }

  /** Applies the snapshot to every runtime, wave by wave; a failure is retried with backoff. */
  void reconcileRuntimes(ProjectKey key, Snapshot snapshot) {
    for (StateApplier a : appliers) {
      try {
        a.apply(key, snapshot);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(a.name() + ": " + e.getMessage(), e);
      }
    }
  }

  /** Makes the snapshot current (idempotent when it already is). */
  void reconcileRegistry(ProjectKey key, Snapshot snapshot) {
    Optional<Snapshot> current = registry.current(key);
    if (current.isEmpty() || !current.get().revision().equals(snapshot.revision())) {
      registry.publish(snapshot);
    }
  }

  /** Points the gateway at the new version; routes of removed resources disappear. */
  void reconcileRoutes(ProjectKey key, Set<Route> desired) {
    routes.apply(key, desired);
  }

  /** The routes a snapshot asks for. Pure. */
  public static Set<Route> desiredRoutes(ProjectKey key, Snapshot snapshot) {
    ProjectConfig config = snapshot.config();
    Set<Route> out = new HashSet<>();
    for (Resource.Function f : config.all(Resource.Function.class)) {
      if (!f.isHttp() || f.domains() == null || f.paths() == null || f.method() == null) {
        continue;
      }
      String asset = snapshot.assets().get(Snapshot.assetKey(f));
      if (asset == null) {
        continue;
      }
      FunctionTarget target =
          new FunctionTarget(
              key,
              config.id(),
              f.application(),
              f.id(),
              f.name(),
              new Cid(asset),
              f.call(),
              f.memoryBytes(),
              f.timeoutNanos(),
              snapshot.configCommit());
      for (String domainId : f.domains()) {
        Optional<Resource.Domain> d = config.domain(f.application(), domainId);
        if (d.isEmpty()) {
          continue;
        }
        for (String path : f.paths()) {
          out.add(new Route(d.get().fqdn(), f.method(), path, target));
        }
      }
    }
    return out;
  }

  private void condition(
      ProjectKey key, String type, boolean value, String reason, String message, String rev) {
    Map<String, Condition> byType = new HashMap<>();
    byType.put(type, new Condition(type, value, reason, message, rev, clock.millis()));
    status.conditions(key, List.copyOf(byType.values()));
  }

  /** Forgets what was applied for the key, so the next run re-applies it. */
  public void forget(ProjectKey key) {
    applied.remove(key);
    stalled.remove(key);
  }

  static String sha256(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String shortId(String commit) {
    return commit.length() > 12 ? commit.substring(0, 12) : commit;
  }
}
