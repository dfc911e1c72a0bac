package io.jtau.reconcile;

import io.jtau.TestGit;
import io.jtau.build.BuildCache;
import io.jtau.build.BuildService;
import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;
import io.jtau.port.Builder;
import io.jtau.port.Registry;
import io.jtau.port.SourceRepository;
import io.jtau.port.StatusSink;
import io.jtau.registry.XodusRegistry;
import io.jtau.runtime.gateway.Gateway;
import io.jtau.source.GitRepositories;
import io.jtau.store.FileContentStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * A whole reconcile stack on real components in one folder (JGit repositories, Xodus registry,
 * content store, WAT builds, gateway), for the survival tests and the figures. Not thread-safe to
 * build; the stack itself is.
 */
final class ReconcileFixture implements AutoCloseable {

  static final String PID = "QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy";

  final GitRepositories git;
  final XodusRegistry registry;
  final FileContentStore store;
  final BuildCache cache;
  final BuildService builds;
  final Gateway gateway = new Gateway();
  final ProjectReconciler reconciler;

  /**
   * A second reconciler over the same repositories and builds but its own registry and gateway:
   * what a node that never saw the earlier commits computes from the heads alone.
   */
  record Fresh(XodusRegistry registry, Gateway gateway, ProjectReconciler reconciler)
      implements AutoCloseable {
    @Override
    public void close() {
      registry.close();
    }
  }

  Fresh fresh(Path registryDir) {
    XodusRegistry r = new XodusRegistry(registryDir, 100);
    Gateway g = new Gateway();
    return new Fresh(r, g, reconciler(r, builds, g));
  }

  ReconcileFixture(Path dir, UnaryOperator<Builder> wrapBuilder) throws IOException {
    this(dir, wrapBuilder, (registry, store) -> registry);
  }

  /**
   * With the registry the reconciler publishes to wrapped (a benchmark wraps it the way the node
   * does, with the content store's pins).
   */
  ReconcileFixture(
      Path dir,
      UnaryOperator<Builder> wrapBuilder,
      BiFunction<XodusRegistry, FileContentStore, Registry> wrapRegistry)
      throws IOException {
    git = new GitRepositories(dir.resolve("git"));
    registry = new XodusRegistry(dir.resolve("registry"), 100);
    store = new FileContentStore(dir.resolve("store"));
    cache = new BuildCache(dir.resolve("builds"));
    builds = new BuildService(store, cache, BuildService.defaultBuilders());
    reconciler =
        reconciler(wrapRegistry.apply(registry, store), wrapBuilder.apply(builds), gateway);
  }

  private ProjectReconciler reconciler(Registry registry, Builder builder, Gateway gateway) {
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
    StatusSink quiet =
        new StatusSink() {
          @Override
          public void conditions(ProjectKey key, List<Condition> conditions) {}

          @Override
          public void resources(ProjectKey k, List<io.jtau.model.ResourceStatus> resources) {}

          @Override
          public void event(ProjectKey key, String type, String reason, String message) {}
        };
    return new ProjectReconciler(
        sources,
        registry,
        builder,
        t -> {},
        gateway,
        List.of(),
        quiet,
        Clock.systemUTC(),
        new ProjectReconciler.Settings("dream.localhost", "g.dream.localhost", true));
  }

  /** A work queue over this stack's reconciler. */
  WorkQueue queue(int workers, Duration minInterval, ReconcileListener listener) {
    ProjectReconciler r = reconciler;
    return new WorkQueue(
        Executors.newFixedThreadPool(workers),
        Executors.newSingleThreadScheduledExecutor(),
        new WorkQueue.Task() {
          @Override
          public ReconcileResult run(ProjectKey key, io.jtau.port.CancellationToken cancel) {
            return r.reconcile(key, cancel);
          }

          @Override
          public boolean superseded(ProjectKey key) {
            return r.superseded(key);
          }
        },
        listener,
        new Random(1),
        Duration.ofMillis(50),
        Duration.ofSeconds(2),
        minInterval,
        Clock.systemUTC());
  }

  /** Config files of a project with {@code functions} HTTP functions on host {@code host}. */
  static Map<String, TestGit.Entry> config(String host, int functions, String pathSuffix) {
    Map<String, TestGit.Entry> files = new HashMap<>();
    files.put("config.yaml", TestGit.file("id: " + PID + "\nname: p\n"));
    files.put(
        "domains/web.yaml",
        TestGit.file("id: QmcC7ojJDKUiq2c5Kfny6HhFXfq7jiBUy6whUpAa512a4o\nfqdn: " + host + "\n"));
    for (int i = 0; i < functions; i++) {
      files.put("functions/f" + i + ".yaml", TestGit.file(function(i, "/f" + i + pathSuffix)));
    }
    return files;
  }

  static String function(int i, String path) {
    return "id: "
        + fakeId(i)
        + "\ntrigger:\n  type: https\n  method: GET\n  paths: ["
        + path
        + "]\ndomains: [web]\nsource: .\nexecution:\n  timeout: 5s\n  memory: 16MB\n  call: f"
        + i
        + "\n";
  }

  /** A distinct, well-formed resource id (a CIDv0 of the index) per index. */
  static String fakeId(int i) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(("resource " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] mh = new byte[34];
      mh[0] = 0x12;
      mh[1] = 0x20;
      System.arraycopy(digest, 0, mh, 2, 32);
      String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
      java.math.BigInteger v = new java.math.BigInteger(1, mh);
      StringBuilder b = new StringBuilder();
      java.math.BigInteger base = java.math.BigInteger.valueOf(58);
      while (v.signum() > 0) {
        java.math.BigInteger[] qr = v.divideAndRemainder(base);
        b.append(alphabet.charAt(qr[1].intValue()));
        v = qr[0];
      }
      return b.reverse().toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Code of {@code functions} functions, each answering with {@code greeting} and its index. */
  static Map<String, TestGit.Entry> code(int functions, String greeting) {
    Map<String, TestGit.Entry> files = new HashMap<>();
    for (int i = 0; i < functions; i++) {
      files.put("functions/f" + i + "/main.wat", TestGit.file(wat("f" + i, greeting + i)));
    }
    return files;
  }

  static String wat(String export, String greeting) {
    return "(module (import \"taubyte/sdk\" \"eventHttpWrite\" (func $w (param i32 i32 i32 i32)"
        + " (result i32))) (memory (export \"memory\") 1) (data (i32.const 64) \""
        + greeting
        + "\") (func (export \""
        + export
        + "\") (param i32) (result i32) (drop (call $w (local.get 0)"
        + " (i32.const 64) (i32.const "
        + greeting.length()
        + ") (i32.const 8))) (i32.const 0)))";
  }

  String commitConfig(String project, Map<String, TestGit.Entry> files) throws Exception {
    return TestGit.commit(git.create(project, "config").repository(), "main", files);
  }

  String commitCode(String project, Map<String, TestGit.Entry> files) throws Exception {
    return TestGit.commit(git.create(project, "code").repository(), "main", files);
  }

  /** The revision at the heads of the project's main branch. */
  String headRevision(String project) {
    String config = git.find(project, "config").orElseThrow().head("main").orElseThrow();
    String code = git.find(project, "code").flatMap(r -> r.head("main")).orElse("");
    return io.jtau.model.Snapshot.revisionOf(config, code);
  }

  @Override
  public void close() {
    git.close();
    registry.close();
    store.close();
    cache.close();
  }
}
