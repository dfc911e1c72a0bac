package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.TestGit;
import io.jtau.build.BuildCache;
import io.jtau.build.BuildService;
import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
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
    reconciler =
        new ProjectReconciler(
            sources,
            registry,
            builds,
            t -> prepared.add(t.module().value()),
            gateway,
            List.of(),
            sink,
            Clock.systemUTC(),
            new ProjectReconciler.Settings("dream.localhost", "g.dream.localhost", true));
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
    return TestGit.commit(git.create("hello", "config").repository(), "main", files);
  }

  String commitCode(Map<String, TestGit.Entry> files) throws Exception {
    return TestGit.commit(git.create("hello", "code").repository(), "main", files);
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
}
