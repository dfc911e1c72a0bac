package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.TestGit;
import io.jtau.build.BuildCache;
import io.jtau.build.BuildService;
import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.model.ResourceStatus;
import io.jtau.model.Route;
import io.jtau.port.SourceRepository;
import io.jtau.port.StatusSink;
import io.jtau.registry.XodusRegistry;
import io.jtau.runtime.gateway.Gateway;
import io.jtau.source.GitRepositories;
import io.jtau.store.FileContentStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconciler with real components: JGit repositories, Xodus, the content store, builds. */
class ProjectReconcilerTest {

  static final String PID = "QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy";
  static final String HOST = "hello-r4zkwruy.g.dream.localhost";

  @TempDir Path dir;
  GitRepositories git;
  XodusRegistry registry;
  FileContentStore store;
  BuildCache cache;
  BuildService builds;
  Gateway gateway;
  ProjectReconciler reconciler;
  final List<String> events = new ArrayList<>();
  final List<String> prepared = new ArrayList<>();
  final ProjectKey key = new ProjectKey("hello", "main");

  @BeforeEach
  void setUp() throws Exception {
    git = new GitRepositories(dir.resolve("git"));
    registry = new XodusRegistry(dir.resolve("registry"), 10);
    store = new FileContentStore(dir.resolve("store"));
    cache = new BuildCache(dir.resolve("builds"));
    builds = new BuildService(store, cache, BuildService.defaultBuilders());
    gateway = new Gateway();
    StatusSink sink =
        new StatusSink() {
          @Override
          public void conditions(ProjectKey k, List<Condition> conditions) {}

          @Override
          public void resources(ProjectKey k, List<io.jtau.model.ResourceStatus> resources) {}

          @Override
          public void event(ProjectKey k, String type, String reason, String message) {
            events.add(reason + ": " + message);
          }
        };
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
    this.sources = sources;
    reconciler = reconciler(builds, List.of(), sink);
  }

  ProjectSources sources;
  final Map<ProjectKey, List<Condition>> conditions =
      new java.util.concurrent.ConcurrentHashMap<>();
  final Map<ProjectKey, List<ResourceStatus>> resources =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A sink that keeps the last conditions (merged by type) and resource statuses. */
  StatusSink recordingSink() {
    return new StatusSink() {
      @Override
      public void conditions(ProjectKey k, List<Condition> list) {
        Map<String, Condition> byType = new java.util.TreeMap<>();
        conditions.getOrDefault(k, List.of()).forEach(c -> byType.put(c.type(), c));
        list.forEach(c -> byType.put(c.type(), c));
        conditions.put(k, List.copyOf(byType.values()));
      }

      @Override
      public void resources(ProjectKey k, List<ResourceStatus> list) {
        resources.put(k, list);
      }

      @Override
      public void event(ProjectKey k, String type, String reason, String message) {
        events.add(reason + ": " + message);
      }
    };
  }

  ProjectReconciler reconciler(
      io.jtau.port.Builder builder, List<StateApplier> appliers, StatusSink sink) {
    return new ProjectReconciler(
        sources,
        registry,
        builder,
        t -> prepared.add(t.module().value()),
        gateway,
        appliers,
        sink,
        Clock.systemUTC(),
        new ProjectReconciler.Settings("dream.localhost", "g.dream.localhost", true));
  }

  Condition condition(ProjectKey k, String type) {
    return conditions.getOrDefault(k, List.of()).stream()
        .filter(c -> c.type().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " for " + k));
  }

  @AfterEach
  void tearDown() {
    git.close();
    registry.close();
    store.close();
    cache.close();
  }

  static String function(String name, String path, String method) {
    return "id: QmSSVuoNL2TicmRkvbxZeixHVb5pKTJCghCopjCopvM9t8\n"
        + "trigger:\n  type: https\n  method: "
        + method
        + "\n  paths: ["
        + path
        + "]\n"
        + "domains: [hello]\nsource: .\nexecution:\n  timeout: 5s\n  memory: 16MB\n  call: "
        + name
        + "\n";
  }

  static Map<String, TestGit.Entry> config(String functionYaml) {
    Map<String, TestGit.Entry> files = new HashMap<>();
    files.put("config.yaml", TestGit.file("id: " + PID + "\nname: hello\n"));
    files.put(
        "domains/hello.yaml",
        TestGit.file("id: QmcC7ojJDKUiq2c5Kfny6HhFXfq7jiBUy6whUpAa512a4o\nfqdn: " + HOST + "\n"));
    if (functionYaml != null) {
      files.put("functions/hello.yaml", TestGit.file(functionYaml));
    }
    return files;
  }

  static Map<String, TestGit.Entry> code(String greeting) {
    String wat =
        "(module (import \"taubyte/sdk\" \"eventHttpWrite\" (func $w (param i32 i32 i32 i32)"
            + " (result i32))) (memory (export \"memory\") 1) (data (i32.const 64) \""
            + greeting
            + "\") (func (export \"hello\") (param i32) (result i32) (drop (call $w (local.get 0)"
            + " (i32.const 64) (i32.const "
            + greeting.length()
            + ") (i32.const 8))) (i32.const 0)))";
    return Map.of("functions/hello/main.wat", TestGit.file(wat));
  }

  String commitConfig(Map<String, TestGit.Entry> files) throws Exception {
    return commitConfig("main", files);
  }

  String commitConfig(String branch, Map<String, TestGit.Entry> files) throws Exception {
    return TestGit.commit(git.create("hello", "config").repository(), branch, files);
  }

  String commitCode(Map<String, TestGit.Entry> files) throws Exception {
    return commitCode("main", files);
  }

  String commitCode(String branch, Map<String, TestGit.Entry> files) throws Exception {
    return TestGit.commit(git.create("hello", "code").repository(), branch, files);
  }

  @Test
  void appliesBuildsPublishesAndRoutesThenSkipsWhenNothingChanged() throws Exception {
    commitConfig(config(function("hello", "/hello", "GET")));
    commitCode(code("one"));

    ReconcileResult first = reconciler.reconcile(key);
    assertThat(first).isInstanceOf(ReconcileResult.Done.class);
    assertThat(((ReconcileResult.Done) first).changed()).isTrue();
    assertThat(builds.buildsRun()).isEqualTo(1);
    assertThat(gateway.match(HOST, "GET", "/hello")).isInstanceOf(Gateway.Found.class);
    assertThat(registry.current(key)).isPresent();
    assertThat(prepared).hasSize(1);

    ReconcileResult again = reconciler.reconcile(key);
    assertThat(again)
        .isEqualTo(new ReconcileResult.Done(registry.current(key).get().revision(), false));
    assertThat(builds.buildsRun()).isEqualTo(1);
  }

  @Test
  void revertingCodeRebuildsNothingAndRestoresTheOldModule() throws Exception {
    commitConfig(config(function("hello", "/hello", "GET")));
    commitCode(code("one"));
    reconciler.reconcile(key);
    Route v1 = ((Gateway.Found) gateway.match(HOST, "GET", "/hello")).route();

    commitCode(code("two"));
    reconciler.reconcile(key);
    Route v2 = ((Gateway.Found) gateway.match(HOST, "GET", "/hello")).route();
    assertThat(v2.function().module()).isNotEqualTo(v1.function().module());
    assertThat(builds.buildsRun()).isEqualTo(2);

    commitCode(code("one"));
    reconciler.reconcile(key);
    Route v3 = ((Gateway.Found) gateway.match(HOST, "GET", "/hello")).route();
    assertThat(v3.function().module()).isEqualTo(v1.function().module());
    assertThat(builds.buildsRun()).as("revert is a cache hit").isEqualTo(2);
    assertThat(registry.history(key, 10)).hasSize(3);
  }

  @Test
  void invalidConfigStallsAndTheOldVersionKeepsServing() throws Exception {
    commitConfig(config(function("hello", "/hello", "GET")));
    commitCode(code("one"));
    reconciler.reconcile(key);
    String live = registry.current(key).orElseThrow().revision();

    commitConfig(config(function("hello", "/hello", "FETCH")));
    ReconcileResult r = reconciler.reconcile(key);
    assertThat(r).isInstanceOf(ReconcileResult.Stalled.class);
    ReconcileResult.Stalled s = (ReconcileResult.Stalled) r;
    assertThat(s.reason()).isEqualTo("InvalidConfig");
    assertThat(s.message()).contains("/functions/hello.yaml:").contains("trigger.method");
    assertThat(registry.current(key).orElseThrow().revision()).isEqualTo(live);
    assertThat(gateway.match(HOST, "GET", "/hello")).isInstanceOf(Gateway.Found.class);
    assertThat(reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Stalled.class);
  }

  @Test
  void brokenCodeStallsWithTheBuildError() throws Exception {
    commitConfig(config(function("hello", "/hello", "GET")));
    commitCode(Map.of("functions/hello/main.wat", TestGit.file("(module (func $x (i32.bogus)))")));
    ReconcileResult r = reconciler.reconcile(key);
    assertThat(r).isInstanceOf(ReconcileResult.Stalled.class);
    assertThat(((ReconcileResult.Stalled) r).message())
        .contains("function hello")
        .contains("main.wat");
    assertThat(gateway.serves(HOST)).isFalse();
  }

  @Test
  void removingAFunctionRemovesItsRoute() throws Exception {
    commitConfig(config(function("hello", "/hello", "GET")));
    commitCode(code("one"));
    reconciler.reconcile(key);
    commitConfig(config(null));
    assertThat(reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Done.class);
    assertThat(gateway.serves(HOST)).isFalse();
    assertThat(gateway.observe(key)).isEqualTo(Set.of());
  }

  @Test
  void aProjectWithoutCommitsWaits() {
    git.create("hello", "config");
    assertThat(reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Waiting.class);
    assertThat(reconciler.reconcile(new ProjectKey("nothing", "main")))
        .isInstanceOf(ReconcileResult.Waiting.class);
  }

  static Map<String, TestGit.Entry> withDatabase(Map<String, TestGit.Entry> files) {
    Map<String, TestGit.Entry> out = new HashMap<>(files);
    out.put(
        "databases/users.yaml",
        TestGit.file(
            "id: QmPThZ4AJ9s1umkeTkwSB748PP3fSn6Dd7VpHhts5ndhKf\nmatch: users\n"
                + "access: {network: host}\nstorage: {size: 1GB}\n"));
    return out;
  }

  @Test
  void conditionsAndResourceStatusesFollowTheOutcome() throws Exception {
    reconciler = reconciler(builds, List.of(), recordingSink());
    commitConfig(withDatabase(config(function("hello", "/hello", "GET"))));
    commitCode(code("one"));
    String rev = ((ReconcileResult.Done) reconciler.reconcile(key)).revision();
    assertThat(condition(key, "Ready").status()).isTrue();
    assertThat(condition(key, "Ready").observedRevision()).isEqualTo(rev);
    assertThat(condition(key, "Reconciling").status()).isFalse();
    assertThat(condition(key, "Stalled").status()).isFalse();
    assertThat(resources.get(key))
        .extracting(r -> r.kind() + " " + r.name() + " " + r.conditions().get(0).status())
        .containsExactlyInAnyOrder(
            "database users true",
            "domain hello true",
            "function hello true",
            "route GET " + HOST + "/hello -> hello true");

    commitConfig(config(function("hello", "/hello", "FETCH")));
    ReconcileResult.Stalled s = (ReconcileResult.Stalled) reconciler.reconcile(key);
    assertThat(condition(key, "Ready").status()).isFalse();
    assertThat(condition(key, "Ready").reason()).isEqualTo("InvalidConfig");
    assertThat(condition(key, "Ready").message()).contains("still serving " + rev);
    assertThat(condition(key, "Stalled").status()).isTrue();
    assertThat(condition(key, "Stalled").message()).contains("functions/hello.yaml");
    assertThat(condition(key, "Stalled").observedRevision()).isEqualTo(s.revision());

    commitCode(Map.of("functions/hello/main.wat", TestGit.file("(module (func $x (i32.bogus)))")));
    commitConfig(config(function("hello", "/hello", "GET")));
    reconciler.reconcile(key);
    assertThat(condition(key, "Stalled").reason()).isEqualTo("BuildFailed");
    ResourceStatus fn =
        resources.get(key).stream().filter(r -> r.kind().equals("function")).findFirst().get();
    assertThat(fn.conditions().get(0).status()).isFalse();
    assertThat(fn.conditions().get(0).reason()).isEqualTo("BuildFailed");
    assertThat(fn.conditions().get(0).message()).contains("main.wat");
  }

  @Test
  void appliersGetThePlanInWavesAndPruneRunsAfterRoutesFlipInReverseOrder() throws Exception {
    List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    class Recorder implements StateApplier {
      final String name;
      final int wave;

      Recorder(String name, int wave) {
        this.name = name;
        this.wave = wave;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public int wave() {
        return wave;
      }

      @Override
      public void apply(ProjectKey k, io.jtau.model.Snapshot s) {
        throw new AssertionError("the plan-aware apply is called");
      }

      @Override
      public void apply(ProjectKey k, io.jtau.model.Snapshot s, Plan plan) {
        calls.add("apply " + name + " " + plan.inWave(waveOf()).size());
      }

      Inventory.Wave waveOf() {
        return wave == WAVE_DNS ? Inventory.Wave.DNS : Inventory.Wave.STORES;
      }

      @Override
      public void prune(ProjectKey k, io.jtau.model.Snapshot s, List<Plan.Action> deletes) {
        calls.add(
            "prune "
                + name
                + " "
                + deletes.stream().map(Plan.Action::toString).toList()
                + " routes="
                + gateway.observe(k).size());
      }
    }
    reconciler =
        reconciler(
            builds,
            List.of(
                new Recorder("stores", StateApplier.WAVE_STORES),
                new Recorder("dns", StateApplier.WAVE_DNS)),
            recordingSink());
    commitConfig(withDatabase(config(function("hello", "/hello", "GET"))));
    commitCode(code("one"));
    reconciler.reconcile(key);
    assertThat(calls).containsExactly("apply dns 1", "apply stores 1");

    calls.clear();
    commitConfig(config(null));
    reconciler.reconcile(key);
    assertThat(calls)
        .containsExactly(
            "apply dns 0",
            "apply stores 1",
            "prune stores [- route GET "
                + HOST
                + "/hello -> hello, - function hello, - database users] routes=0",
            "prune dns [- route GET "
                + HOST
                + "/hello -> hello, - function hello, - database users] routes=0");
    assertThat(events).anyMatch(e -> e.equals("Planned: - database users"));
  }

  @Test
  void aFailedPruneIsRetriedByTheNextRunEvenWithoutANewCommit() throws Exception {
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    StateApplier flaky =
        new StateApplier() {
          @Override
          public String name() {
            return "stores";
          }

          @Override
          public int wave() {
            return WAVE_STORES;
          }

          @Override
          public void apply(ProjectKey k, io.jtau.model.Snapshot s) {}

          @Override
          public void prune(ProjectKey k, io.jtau.model.Snapshot s, List<Plan.Action> deletes)
              throws Exception {
            if (!deletes.isEmpty() && attempts.incrementAndGet() == 1) {
              throw new java.io.IOException("disk busy");
            }
          }
        };
    reconciler = reconciler(builds, List.of(flaky), recordingSink());
    commitConfig(withDatabase(config(function("hello", "/hello", "GET"))));
    commitCode(code("one"));
    reconciler.reconcile(key);
    commitConfig(config(function("hello", "/hello", "GET")));
    assertThat(reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Transient.class);
    assertThat(reconciler.reconcile(key))
        .isEqualTo(new ReconcileResult.Done(registry.current(key).get().revision(), true));
    assertThat(attempts.get()).isEqualTo(2);
    assertThat(reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Done.class);
    assertThat(attempts.get()).isEqualTo(2);
  }

  @Test
  void aProjectWithoutMainIsServedFromMasterUntilMainAppears() throws Exception {
    ProjectKey master = new ProjectKey("hello", "master");
    commitConfig("master", config(function("hello", "/hello", "GET")));
    commitCode("master", code("one"));
    assertThat(reconciler.reconcile(master)).isInstanceOf(ReconcileResult.Done.class);
    assertThat(gateway.observe(master)).hasSize(1);
    assertThat(reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Waiting.class);

    commitConfig("main", config(function("hello", "/hi", "GET")));
    commitCode("main", code("two"));
    assertThat(reconciler.reconcile(key)).isInstanceOf(ReconcileResult.Done.class);
    assertThat(gateway.observe(master)).as("master retired before main's routes flip").isEmpty();
    assertThat(gateway.match(HOST, "GET", "/hi")).isInstanceOf(Gateway.Found.class);
    ReconcileResult again = reconciler.reconcile(master);
    assertThat(again).isInstanceOf(ReconcileResult.Stalled.class);
    assertThat(((ReconcileResult.Stalled) again).reason()).isEqualTo("NotServed");
    assertThat(((ReconcileResult.Stalled) again).message()).contains("served from branch main");
  }

  @Test
  void aNewCommitPreemptsARunStuckInABuild() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    io.jtau.port.Builder hanging =
        new io.jtau.port.Builder() {
          @Override
          public Result build(Request request) {
            java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
            request.cancellation().onCancel(stop::countDown);
            entered.countDown();
            try {
              stop.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new Failed("cancelled: " + request.cancellation().reason(), "");
          }

          @Override
          public String fingerprint() {
            return builds.fingerprint();
          }
        };
    reconciler = reconciler(hanging, List.of(), recordingSink());
    commitConfig(config(function("hello", "/hello", "GET")));
    commitCode(code("one"));
    io.jtau.port.CancellationToken token = io.jtau.port.CancellationToken.create();
    java.util.concurrent.CompletableFuture<ReconcileResult> run =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> reconciler.reconcile(key, token));
    assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(reconciler.superseded(key)).isFalse();
    commitCode(code("two"));
    assertThat(reconciler.superseded(key)).isTrue();
    token.cancel("a newer commit arrived");
    assertThat(run.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(new ReconcileResult.RequeueAfter(java.time.Duration.ZERO));
    assertThat(registry.current(key)).as("nothing published by a cancelled run").isEmpty();
    assertThat(reconciler.superseded(key)).as("no run in progress").isFalse();
  }
}
