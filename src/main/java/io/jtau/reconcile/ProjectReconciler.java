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
import io.jtau.model.ResourceStatus;
import io.jtau.model.Route;
import io.jtau.model.Snapshot;
import io.jtau.port.Builder;
import io.jtau.port.CancellationToken;
import io.jtau.port.Registry;
import io.jtau.port.RuntimeDriver;
import io.jtau.port.SourceRepository;
import io.jtau.port.StatusSink;
import io.jtau.reconcile.Inventory.Ref;
import io.jtau.schema.CompileOptions;
import io.jtau.schema.CompileResult;
import io.jtau.schema.ConfigCompiler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reconciles one (project, branch) key toward the heads of its repositories.
 *
 * <p>Contract: the input is only the key; everything else is re-read. The same heads give the same
 * snapshot, the same plan and the same routes. A run whose heads equal the revision already
 * applied, with the routes still in place, returns at once ({@code Done(changed=false)}). Steps,
 * each a method: {@link #reconcileSource}, {@link #reconcileConfig}, {@link #reconcileBuilds},
 * {@link #reconcileModules}, {@link #reconcilePrepare}, {@link #reconcileRegistry}, {@link
 * #reconcileRuntimes}, {@link #reconcileRoutes}, {@link #reconcilePrune}; the outcome becomes
 * conditions and events in exactly one place ({@link #summarize}).
 *
 * <p>What a key owns is exactly what its current snapshot lists ({@link Inventory}); the {@link
 * Plan} between that inventory and the new config drives the runtimes wave by wave (DNS, stores,
 * builds, bindings, routes) and prunes only what the previous inventory lists, in reverse wave
 * order, after the routes flipped. A prune that fails is retried on the next run. Modules are
 * compiled before the snapshot is published and routes flip last, so traffic only moves to ready
 * targets. Invalid config or code stalls the key (no retry until a new commit) and the previous
 * version keeps serving.
 *
 * <p>Branches: of the node's branch list (default {@code main}, then {@code master}), a project is
 * served from the first branch its config repository has; the keys of the other listed branches
 * serve nothing. A run observes its {@link CancellationToken} between steps and passes it to
 * builds, so a newer commit pre-empts a stuck run. Thread-safe for different keys; the work queue
 * runs one reconcile per key at a time.
 */
public final class ProjectReconciler {

  /** Node settings that affect compilation and which branch serves a project. */
  public record Settings(
      String cloudFqdn, String generatedSuffix, boolean devMode, List<String> branches) {
    public Settings {
      branches = List.copyOf(branches);
      if (branches.isEmpty()) {
        throw new IllegalArgumentException("the node serves no branch");
      }
    }

    /** Settings serving {@code main}, then {@code master}. */
    public Settings(String cloudFqdn, String generatedSuffix, boolean devMode) {
      this(cloudFqdn, generatedSuffix, devMode, List.of("main", "master"));
    }
  }

  /** The heads a run works on. */
  record Heads(
      SourceRepository config,
      String configCommit,
      SourceRepository code,
      String codeCommit,
      Map<String, ExtraHead> extras) {
    Heads(SourceRepository config, String configCommit, SourceRepository code, String codeCommit) {
      this(config, configCommit, code, codeCommit, Map.of());
    }

    /**
     * The revision: config and code commits, plus a digest of the heads of the website and library
     * repositories when the config names any, so a push to one of those is a new revision too.
     */
    String revision() {
      String base = Snapshot.revisionOf(configCommit, codeCommit);
      if (extras.isEmpty()) {
        return base;
      }
      StringBuilder b = new StringBuilder();
      new java.util.TreeMap<>(extras)
          .forEach((k, v) -> b.append(k).append('=').append(v.commit()).append('\n'));
      return base + "+r" + sha256(b.toString()).substring(0, 16);
    }
  }

  /** A website or library repository at the head this run works on ({@code commit} "" = none). */
  record ExtraHead(SourceRepository repository, String commit) {}

  /** The repositories a config commit's websites and libraries name, with their branches. */
  private final Map<String, List<String[]>> extraRepos =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String[]>> e) {
              return size() > 256;
            }
          });

  /** A failure that waits for a new commit; {@code resources} names the resources at fault. */
  static final class StalledException extends Exception {
    final String reason;
    final Map<Ref, String> resources;

    StalledException(String reason, String message) {
      this(reason, message, Map.of());
    }

    StalledException(String reason, String message, Map<Ref, String> resources) {
      super(message);
      this.reason = reason;
      this.resources = resources;
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
  private final Map<ProjectKey, Heads> running = new ConcurrentHashMap<>();
  private final Map<ProjectKey, List<Plan.Action>> pendingPrune = new ConcurrentHashMap<>();
  private final Map<ProjectKey, Long> appliedAt = new ConcurrentHashMap<>();

  /**
   * The last config commit read and compiled per key. The next commit's read loads only the blobs
   * that changed since ({@link SourceRepository#read(String, String, SourceRepository.ReadLimits,
   * RepoTree)}), and the source step and the config step of one run share one compile.
   */
  private final Map<ProjectKey, CompiledConfig> configs = new ConcurrentHashMap<>();

  /**
   * The inventories of the last two configs each key worked with (the live one and the newest), so
   * neither is computed twice while the key moves from one to the other.
   */
  private final Map<ProjectKey, List<KnownInventory>> inventories = new ConcurrentHashMap<>();

  /** Step → nanoseconds of the last run per key that got past the no-op check. */
  private final Map<ProjectKey, Map<String, Long>> lastSteps = new ConcurrentHashMap<>();

  private record CompiledConfig(String branch, RepoTree tree, CompileResult result) {}

  private record KnownInventory(ProjectConfig config, Inventory inventory) {}

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
    this.appliers = appliers.stream().sorted(Comparator.comparingInt(StateApplier::wave)).toList();
    this.sources = sources;
    this.registry = registry;
    this.builder = builder;
    this.preparer = preparer;
    this.routes = routes;
    this.status = status;
    this.clock = clock;
    this.settings = settings;
  }

  /** Runs one reconcile of the key that nobody cancels. Never throws. */
  public ReconcileResult reconcile(ProjectKey key) {
    return reconcile(key, CancellationToken.NONE);
  }

  /**
   * Runs one reconcile of the key and says what should happen next. Never throws. When {@code
   * cancel} is cancelled before the snapshot is published, nothing changes and the result asks for
   * an immediate new run.
   */
  public ReconcileResult reconcile(ProjectKey key, CancellationToken cancel) {
    long sourceStarted = System.nanoTime();
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
      // The first branch of the list is always served when it exists: no extra ref lookup on
      // the no-op path.
      if (!settings.branches().get(0).equals(key.branch())) {
        Optional<String> served = servedBranch(key.project());
        if (served.isPresent() && !served.get().equals(key.branch())) {
          return notServed(key, served.get());
        }
      }
    } catch (RuntimeException e) {
      return transientFailure(key, "SourceUnavailable", e);
    }
    String revision = heads.revision();
    Applied done = applied.get(key);
    if (done != null
        && done.revision.equals(revision)
        && !pendingPrune.containsKey(key)
        && done.routes.equals(routes.observe(key))) {
      return new ReconcileResult.Done(revision, false);
    }
    if (revision.equals(stalled.get(key))) {
      return new ReconcileResult.Stalled(revision, "Unchanged", "waiting for a new commit");
    }
    running.put(key, heads);
    Steps steps = new Steps(sourceStarted);
    steps.end("source");
    try {
      return run(key, heads, revision, cancel, steps);
    } finally {
      running.remove(key);
      lastSteps.put(key, steps.done());
    }
  }

  /**
   * How long each step of the key's last run took (step name → nanoseconds, in step order: source,
   * status, registry-read, config, builds, plan, routes-desired, modules, prepare, publish,
   * runtimes, routes, prune, summarize); empty before the first run past the no-op check. For
   * benchmarks and diagnostics.
   */
  public Map<String, Long> lastRunSteps(ProjectKey key) {
    return lastSteps.getOrDefault(key, Map.of());
  }

  /** Step timer of one run; a step's time is the time since the previous step ended. */
  private static final class Steps {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long mark;

    Steps(long start) {
      mark = start;
    }

    void end(String step) {
      long now = System.nanoTime();
      nanos.merge(step, now - mark, Long::sum);
      mark = now;
    }

    Map<String, Long> done() {
      return java.util.Collections.unmodifiableMap(nanos);
    }
  }

  private ReconcileResult run(
      ProjectKey key, Heads heads, String revision, CancellationToken cancel, Steps steps) {
    status.conditions(
        key,
        conditions(key, revision, true, "Progressing", "applying " + revision, null, null, null));
    steps.end("status");
    Snapshot previous = null;
    Inventory target = null;
    try {
      previous = registry.current(key).orElse(null);
      Snapshot snapshot =
          previous != null && previous.revision().equals(revision)
              ? previous
              : registry.snapshot(key, revision).orElse(null);
      steps.end("registry-read");
      if (snapshot == null) {
        CompileResult compiled = reconcileConfig(key, heads);
        target = inventory(key, compiled.config());
        steps.end("config");
        cancel.throwIfCancelled();
        Map<String, String> assets =
            reconcileBuilds(key, heads, compiled.config(), previous, cancel);
        steps.end("builds");
        snapshot =
            new Snapshot(
                key,
                revision,
                heads.configCommit,
                heads.codeCommit,
                clock.millis(),
                compiled.config(),
                assets,
                Snapshot.compiledView(compiled.object(), compiled.indexes()),
                compiled.warnings());
      }
      Inventory before = inventory(key, previous == null ? null : previous.config());
      target = inventory(key, snapshot.config());
      Plan plan = Plan.between(before, target);
      steps.end("plan");
      Set<Route> desired = desiredRoutes(key, snapshot);
      steps.end("routes-desired");
      reconcileModules(desired);
      steps.end("modules");
      reconcilePrepare(key, snapshot, plan);
      steps.end("prepare");
      cancel.throwIfCancelled();
      boolean published = reconcileRegistry(key, previous, snapshot);
      steps.end("publish");
      if (!published) {
        return summarize(
            key,
            revision,
            new ReconcileResult.Transient(
                "Conflict", "another run moved current of " + key + " meanwhile; re-reading"),
            previous,
            target,
            Map.of());
      }
      for (String line : plan.lines()) {
        status.event(key, "Normal", "Planned", line);
      }
      reconcileRuntimes(key, snapshot, plan);
      steps.end("runtimes");
      reconcileRoutes(key, desired);
      steps.end("routes");
      reconcilePrune(key, snapshot, plan);
      steps.end("prune");
      applied.put(key, new Applied(revision, routes.observe(key)));
      stalled.remove(key);
      appliedAt.put(key, clock.millis());
      if (!routes.observe(key).equals(desired)) {
        return summarize(
            key,
            revision,
            new ReconcileResult.Waiting(
                "RoutesRefused",
                "some hosts are served by another project; retrying",
                Duration.ofSeconds(30)),
            snapshot,
            target,
            Map.of());
      }
      ReconcileResult done =
          summarize(
              key, revision, new ReconcileResult.Done(revision, true), snapshot, target, Map.of());
      steps.end("summarize");
      return done;
    } catch (StalledException e) {
      stalled.put(key, revision);
      return summarize(
          key,
          revision,
          new ReconcileResult.Stalled(revision, e.reason, e.getMessage()),
          previous,
          target,
          e.resources);
    } catch (CancellationToken.CancelledException e) {
      status.event(
          key, "Normal", "Superseded", "run for " + revision + " stopped: " + e.getMessage());
      return new ReconcileResult.RequeueAfter(Duration.ZERO);
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return summarize(
          key,
          revision,
          new ReconcileResult.Transient("ApplyFailed", message),
          previous,
          target,
          Map.of());
    }
  }

  /**
   * Whether the run in progress for the key works on heads that are no longer the branch heads (a
   * newer commit arrived). Cheap: two ref lookups. False when no run is in progress.
   */
  public boolean superseded(ProjectKey key) {
    Heads h = running.get(key);
    if (h == null) {
      return false;
    }
    try {
      return reconcileSource(key).map(now -> !now.revision().equals(h.revision())).orElse(true);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The first branch of the node's list that the project's config repository has. */
  Optional<String> servedBranch(String project) {
    Optional<SourceRepository> config = sources.config(project);
    if (config.isEmpty()) {
      return Optional.empty();
    }
    for (String b : settings.branches()) {
      if (config.get().head(b).isPresent()) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  private ReconcileResult notServed(ProjectKey key, String served) {
    retire(key, served);
    String message =
        "served from branch "
            + served
            + " (branch preference: "
            + String.join(", ", settings.branches())
            + ")";
    return new ReconcileResult.Stalled("", "NotServed", message);
  }

  /** Stops serving a key whose project is served from another branch. */
  private void retire(ProjectKey key, String servedBranch) {
    if (!routes.observe(key).isEmpty()) {
      routes.apply(key, Set.of());
      status.event(key, "Normal", "NotServed", "routes removed: served from " + servedBranch);
    }
    applied.remove(key);
    stalled.remove(key);
    status.conditions(
        key,
        List.of(
            condition("Ready", false, "NotServed", "served from branch " + servedBranch, ""),
            condition("Reconciling", false, "NotServed", "", ""),
            condition("Stalled", false, "NotServed", "", "")));
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
    List<String[]> repos =
        extraRepos.computeIfAbsent(
            key.branch() + "@" + configHead.get(),
            k -> scanRepos(key, config.get(), configHead.get()));
    Map<String, ExtraHead> extras = new java.util.TreeMap<>();
    for (String[] r : repos) {
      String fullname = r[0];
      String branch = r[1] == null || r[1].isBlank() ? key.branch() : r[1];
      Optional<SourceRepository> repo = sources.repository(key.project(), fullname);
      extras.put(
          fullname.toLowerCase(java.util.Locale.ROOT) + "@" + branch,
          new ExtraHead(repo.orElse(null), repo.flatMap(x -> x.head(branch)).orElse("")));
    }
    return Optional.of(new Heads(config.get(), configHead.get(), code, codeHead, extras));
  }

  /**
   * The (fullname, branch) of every website and library repository the config commit names; empty
   * when it does not compile (the run stalls on it anyway). Cached per commit, so a no-op run reads
   * no tree.
   */
  private List<String[]> scanRepos(ProjectKey key, SourceRepository config, String commit) {
    try {
      CompileResult r = compiledConfig(key, config, commit).result();
      if (r.config() == null) {
        return List.of();
      }
      List<String[]> out = new ArrayList<>();
      for (Resource.Website w : r.config().all(Resource.Website.class)) {
        out.add(new String[] {w.repositoryName(), w.branch()});
      }
      for (Resource.Library l : r.config().all(Resource.Library.class)) {
        out.add(new String[] {l.repositoryName(), l.branch()});
      }
      return List.copyOf(out);
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private ConfigCompiler compiler(String branch) {
    return compilers.computeIfAbsent(
        branch,
        b ->
            new ConfigCompiler(
                new CompileOptions(
                    b, settings.cloudFqdn(), settings.generatedSuffix(), settings.devMode())));
  }

  /**
   * The key's config at {@code commit}, read and compiled once: a read of a new commit reuses the
   * blobs of the key's previous read, and the compiler its parses of unchanged blobs.
   */
  private CompiledConfig compiledConfig(ProjectKey key, SourceRepository config, String commit) {
    CompiledConfig last = configs.get(key);
    if (last != null && last.tree().commit().equals(commit) && last.branch().equals(key.branch())) {
      return last;
    }
    RepoTree tree =
        config.read(
            commit, "", SourceRepository.ReadLimits.CONFIG, last == null ? null : last.tree());
    CompiledConfig now =
        new CompiledConfig(key.branch(), tree, compiler(key.branch()).compile(tree));
    configs.put(key, now);
    return now;
  }

  /** The inventory of a config, reusing the one computed for the same config object before. */
  private Inventory inventory(ProjectKey key, ProjectConfig config) {
    if (config == null) {
      return Inventory.EMPTY;
    }
    List<KnownInventory> known = inventories.getOrDefault(key, List.of());
    for (KnownInventory k : known) {
      if (k.config() == config) {
        return k.inventory();
      }
    }
    Inventory inventory = Inventory.of(config);
    KnownInventory now = new KnownInventory(config, inventory);
    inventories.put(
        key, known.isEmpty() ? List.of(now) : List.of(known.get(known.size() - 1), now));
    return inventory;
  }

  /** Compiles the config commit; all problems are reported at once. */
  CompileResult reconcileConfig(ProjectKey key, Heads heads) throws StalledException {
    CompiledConfig compiled = compiledConfig(key, heads.config, heads.configCommit);
    RepoTree tree = compiled.tree();
    CompileResult result = compiled.result();
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
    return result;
  }

  /**
   * Builds every function whose code is in the code repository; returns asset key → CID. When the
   * code commit is the one of the serving snapshot, a function whose folder and settings did not
   * change keeps its artifact without even a tree lookup (its input hash cannot have changed).
   */
  Map<String, String> reconcileBuilds(
      ProjectKey key,
      Heads heads,
      ProjectConfig config,
      Snapshot previous,
      CancellationToken cancel)
      throws StalledException {
    Map<String, String> assets = new LinkedHashMap<>();
    Map<Ref, String> failures = new LinkedHashMap<>();
    Map<String, Resource.Function> before = new java.util.HashMap<>();
    boolean sameCode =
        previous != null
            && !heads.codeCommit.isEmpty()
            && previous.codeCommit().equals(heads.codeCommit)
            && previous.assets() != null;
    if (sameCode) {
      for (Resource.Function f : previous.config().all(Resource.Function.class)) {
        before.put(Snapshot.assetKey(f), f);
      }
    }
    Map<String, String> libraryAssets = new java.util.HashMap<>();
    for (Resource.Library l : config.all(Resource.Library.class)) {
      String folder = l.path() == null ? "" : l.path().replaceAll("^/+|/+$", "");
      String cid =
          buildFromRepo(
              key, heads, l, l.repositoryName(), l.branch(), folder, "library", failures, cancel);
      if (cid != null) {
        assets.put(Snapshot.assetKey(l), cid);
        libraryAssets.put(l.id(), cid);
      }
    }
    for (Resource.Website w : config.all(Resource.Website.class)) {
      String cid =
          buildFromRepo(
              key, heads, w, w.repositoryName(), w.branch(), "", "website", failures, cancel);
      if (cid != null) {
        assets.put(Snapshot.assetKey(w), cid);
      }
    }
    for (Resource.Function f : config.all(Resource.Function.class)) {
      Ref ref = new Ref(f.kind().word(), f.application(), f.id());
      if (f.source() != null && f.source().startsWith("libraries/")) {
        // The function runs its library's module: the library's artifact is the function's.
        String lib = libraryAssets.get(f.source().substring("libraries/".length()));
        if (lib != null) {
          assets.put(Snapshot.assetKey(f), lib);
        } else if (!failures.containsKey(ref)) {
          failures.put(
              ref,
              "function " + f.name() + ": its library " + f.source() + " has no built artifact");
        }
        continue;
      }
      Resource.Function old = before.get(Snapshot.assetKey(f));
      String oldAsset = old == null ? null : previous.assets().get(Snapshot.assetKey(f));
      if (oldAsset != null
          && old.name().equals(f.name())
          && Objects.equals(old.source(), f.source())
          && Objects.equals(old.call(), f.call())) {
        assets.put(Snapshot.assetKey(f), oldAsset);
        continue;
      }
      if (!".".equals(f.source())) {
        failures.put(
            ref,
            "function "
                + f.name()
                + ": source "
                + f.source()
                + " (library code) cannot be built by this node yet");
        continue;
      }
      String folder = "functions/" + f.name();
      if (heads.code == null || heads.codeCommit.isEmpty()) {
        failures.put(ref, "function " + f.name() + ": the project has no code repository commit");
        continue;
      }
      Optional<String> tree = heads.code.treeId(heads.codeCommit, folder);
      if (tree.isEmpty()) {
        failures.put(
            ref,
            "function "
                + f.name()
                + ": folder "
                + folder
                + " not found in the code repository at "
                + shortId(heads.codeCommit));
        continue;
      }
      cancel.throwIfCancelled();
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
                  Map.of("call", f.call()),
                  cancel));
      cancel.throwIfCancelled();
      if (r instanceof Builder.Built b) {
        assets.put(Snapshot.assetKey(f), b.artifact().value());
        if (!b.cached()) {
          status.event(
              key, "Normal", "Built", "function " + f.name() + " built in " + b.millis() + " ms");
        }
      } else if (r instanceof Builder.Failed fail) {
        failures.put(ref, fail.message());
      } else {
        throw new AssertionError(r);
      }
    }
    if (!failures.isEmpty()) {
      throw new StalledException(
          "BuildFailed", String.join("\n", failures.values()), Map.copyOf(failures));
    }
    return assets;
  }

  /**
   * Builds a website or library from the repository its config names, at the head this run works
   * on; returns the artifact's CID, or null after recording the failure.
   */
  private String buildFromRepo(
      ProjectKey key,
      Heads heads,
      Resource r,
      String fullname,
      String branch,
      String folder,
      String kind,
      Map<Ref, String> failures,
      CancellationToken cancel) {
    Ref ref = new Ref(r.kind().word(), r.application(), r.id());
    String b = branch == null || branch.isBlank() ? key.branch() : branch;
    ExtraHead head = heads.extras().get(fullname.toLowerCase(java.util.Locale.ROOT) + "@" + b);
    if (head == null || head.repository() == null) {
      failures.put(
          ref,
          kind
              + " "
              + r.name()
              + ": repository "
              + fullname
              + " is not available to this node (push it to the node's Git server as "
              + key.project()
              + "/"
              + fullname.substring(fullname.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT)
              + ".git, or register it with tau project add)");
      return null;
    }
    if (head.commit().isEmpty()) {
      failures.put(ref, kind + " " + r.name() + ": repository " + fullname + " has no branch " + b);
      return null;
    }
    Optional<String> tree = head.repository().treeId(head.commit(), folder);
    if (tree.isEmpty()) {
      failures.put(
          ref, kind + " " + r.name() + ": folder '" + folder + "' not found in " + fullname);
      return null;
    }
    cancel.throwIfCancelled();
    String inputHash = sha256(kind + "\n" + tree.get() + "\n" + builder.fingerprint());
    SourceRepository repo = head.repository();
    String commit = head.commit();
    Builder.Result result =
        builder.build(
            new Builder.Request(
                key.project(),
                r.id(),
                r.name(),
                kind,
                inputHash,
                () -> repo.read(commit, folder, SourceRepository.ReadLimits.CODE),
                Map.of(),
                cancel));
    cancel.throwIfCancelled();
    if (result instanceof Builder.Built built) {
      if (!built.cached()) {
        status.event(
            key, "Normal", "Built", kind + " " + r.name() + " built in " + built.millis() + " ms");
      }
      return built.artifact().value();
    } else if (result instanceof Builder.Failed fail) {
      failures.put(ref, fail.message());
      return null;
    }
    throw new AssertionError(result);
  }

  /** Compiles every module a desired route points at, before anything is published. */
  void reconcileModules(Set<Route> desired) throws StalledException {
    Map<FunctionTarget, Boolean> targets = new LinkedHashMap<>();
    desired.forEach(r -> targets.put(r.function(), true));
    List<String> failures = new ArrayList<>();
    Map<Ref, String> byResource = new LinkedHashMap<>();
    for (FunctionTarget t : targets.keySet()) {
      try {
        preparer.prepare(t);
      } catch (Exception e) {
        String m = "function " + t.name() + ": " + e.getMessage();
        failures.add(m);
        byResource.put(new Ref("function", t.application(), t.resourceId()), m);
      }
    }
    if (!failures.isEmpty()) {
      throw new StalledException("ModuleInvalid", String.join("\n", failures), byResource);
    }
  }

  /** Lets every runtime check the snapshot before anything changes. */
  void reconcilePrepare(ProjectKey key, Snapshot snapshot, Plan plan) throws StalledException {
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

  /**
   * Makes the snapshot current if {@code current} is still {@code previous} (compare-and-set). When
   * the branch was moved back to a revision that was current before (a force-push), the stored or
   * rebuilt snapshot is made current again explicitly. False on a conflict.
   */
  boolean reconcileRegistry(ProjectKey key, Snapshot previous, Snapshot snapshot) {
    String expected = previous == null ? null : previous.revision();
    Registry.Publication p = registry.publish(snapshot, expected);
    if (p == Registry.Publication.OLDER_THAN_CURRENT) {
      p = registry.rollback(snapshot, expected);
    }
    return p == Registry.Publication.PUBLISHED || p == Registry.Publication.ALREADY_CURRENT;
  }

  /** Applies the snapshot to every runtime, wave by wave; a failure is retried with backoff. */
  void reconcileRuntimes(ProjectKey key, Snapshot snapshot, Plan plan) {
    for (StateApplier a : appliers) {
      try {
        a.apply(key, snapshot, plan);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(a.name() + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Points the gateway at the new version; routes of removed resources disappear. Lower-preference
   * branches of the project that still serve are retired first, so their hosts are free.
   */
  void reconcileRoutes(ProjectKey key, Set<Route> desired) {
    int at = settings.branches().indexOf(key.branch());
    if (at >= 0) {
      for (String b : settings.branches().subList(at + 1, settings.branches().size())) {
        ProjectKey sibling = new ProjectKey(key.project(), b);
        if (!routes.observe(sibling).isEmpty()) {
          retire(sibling, key.branch());
        }
      }
    }
    routes.apply(key, desired);
  }

  /**
   * Deletes, in reverse wave order, what the previous inventory listed and the new one does not
   * (plus deletes that failed before). A delete that fails stays pending and is retried.
   */
  void reconcilePrune(ProjectKey key, Snapshot snapshot, Plan plan) {
    List<Plan.Action> deletes = new ArrayList<>(pendingPrune.getOrDefault(key, List.of()));
    for (Plan.Action d : plan.deletes()) {
      if (!deletes.contains(d)) {
        deletes.add(d);
      }
    }
    if (deletes.isEmpty()) {
      return;
    }
    List<StateApplier> reversed = new ArrayList<>(appliers);
    java.util.Collections.reverse(reversed);
    List<String> failures = new ArrayList<>();
    for (StateApplier a : reversed) {
      try {
        a.prune(key, snapshot, deletes);
      } catch (Exception e) {
        failures.add(a.name() + ": " + e.getMessage());
      }
    }
    if (failures.isEmpty()) {
      pendingPrune.remove(key);
    } else {
      pendingPrune.put(key, List.copyOf(deletes));
      throw new IllegalStateException("prune failed (will retry): " + String.join("; ", failures));
    }
  }

  /** The routes a snapshot asks for. Pure. */
  public static Set<Route> desiredRoutes(ProjectKey key, Snapshot snapshot) {
    ProjectConfig config = snapshot.config();
    DomainIndex domains = new DomainIndex(config);
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
        Resource.Domain d = domains.find(f.application(), domainId);
        if (d == null) {
          continue;
        }
        for (String path : f.paths()) {
          out.add(new Route(d.fqdn(), f.method(), path, target));
        }
      }
    }
    return out;
  }

  /**
   * The one place where a run's outcome becomes project conditions, resource statuses and an event.
   * {@code serving} is the snapshot live after the run; {@code target} the inventory the run aimed
   * at (null when the config did not compile); {@code faults} the resources at fault.
   */
  private ReconcileResult summarize(
      ProjectKey key,
      String revision,
      ReconcileResult result,
      Snapshot serving,
      Inventory target,
      Map<Ref, String> faults) {
    String servingRevision = serving == null ? null : serving.revision();
    if (result instanceof ReconcileResult.Done) {
      status.conditions(
          key,
          conditions(
              key, revision, false, "Applied", "serving " + revision, true, "Applied", null));
      status.event(key, "Normal", "Applied", "revision " + revision + " is live");
    } else if (result instanceof ReconcileResult.Stalled s) {
      status.conditions(
          key,
          conditions(
              key,
              revision,
              false,
              s.reason(),
              s.message(),
              false,
              s.reason(),
              servingRevision == null
                  ? s.message()
                  : s.message() + "\nstill serving " + servingRevision));
      status.event(key, "Warning", s.reason(), s.message());
    } else if (result instanceof ReconcileResult.Transient t) {
      status.conditions(
          key,
          conditions(
              key, revision, true, t.reason(), t.message() + " (will retry)", null, null, null));
      status.event(key, "Warning", t.reason(), t.message());
    } else if (result instanceof ReconcileResult.Waiting w) {
      status.conditions(
          key, conditions(key, revision, true, w.reason(), w.message(), null, null, null));
      status.event(key, "Warning", w.reason(), w.message());
    }
    if (target != null) {
      status.resources(key, resourceStatuses(key, target, serving, revision, result, faults));
    }
    return result;
  }

  /**
   * Project conditions: {@code Reconciling} as given; {@code Stalled} true only for a stall; {@code
   * Ready} true when this revision is applied, false with the stall reason, else unchanged (a retry
   * keeps the old version serving, so Ready keeps its last value).
   */
  private List<Condition> conditions(
      ProjectKey key,
      String revision,
      boolean reconciling,
      String reason,
      String message,
      Boolean ready,
      String stalledReason,
      String readyMessage) {
    List<Condition> out = new ArrayList<>();
    if (ready != null) {
      out.add(
          condition(
              "Ready",
              ready,
              ready ? "Applied" : stalledReason,
              ready ? message : readyMessage,
              revision));
    }
    out.add(condition("Reconciling", reconciling, reason, reconciling ? message : "", revision));
    boolean isStalled = Boolean.FALSE.equals(ready) && stalledReason != null;
    out.add(
        condition(
            "Stalled",
            isStalled,
            isStalled ? stalledReason : reason,
            isStalled ? message : "",
            revision));
    return out;
  }

  private Condition condition(
      String type, boolean value, String reason, String message, String revision) {
    return new Condition(type, value, reason, message, revision, clock.millis());
  }

  private List<ResourceStatus> resourceStatuses(
      ProjectKey key,
      Inventory target,
      Snapshot serving,
      String revision,
      ReconcileResult result,
      Map<Ref, String> faults) {
    Inventory live = inventory(key, serving == null ? null : serving.config());
    boolean done = result instanceof ReconcileResult.Done;
    List<ResourceStatus> out = new ArrayList<>();
    for (Inventory.Entry e : target.entries().values()) {
      Condition c;
      String fault = faults.get(e.ref());
      if (fault != null) {
        c = condition("Ready", false, faultReason(result), fault, revision);
      } else if (done || Objects.equals(live.entries().get(e.ref()), e)) {
        c =
            condition(
                "Ready",
                true,
                "Applied",
                "",
                done ? revision : serving == null ? revision : serving.revision());
      } else {
        c = condition("Ready", false, "Pending", "waiting for the project to apply", revision);
      }
      out.add(
          new ResourceStatus(
              e.ref().kind(), e.ref().application(), e.ref().id(), e.name(), List.of(c)));
    }
    return out;
  }

  private static String faultReason(ReconcileResult r) {
    return r instanceof ReconcileResult.Stalled s ? s.reason() : "Failed";
  }

  /** Milliseconds (clock time) at which the key's serving revision was last applied, if any. */
  public Optional<Long> appliedAtMillis(ProjectKey key) {
    return Optional.ofNullable(appliedAt.get(key));
  }

  /** Forgets what was applied for the key, so the next run re-applies it. */
  public void forget(ProjectKey key) {
    applied.remove(key);
    configs.remove(key);
    inventories.remove(key);
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
