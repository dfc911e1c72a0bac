package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.jtau.model.Cid;
import io.jtau.model.FunctionTarget;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.runtime.kv.KvDatabase;
import io.jtau.runtime.kv.KvStore;
import io.jtau.runtime.pubsub.Broker;
import io.jtau.runtime.pubsub.Message;
import io.jtau.runtime.wasm.GuestServices;
import io.jtau.runtime.wasm.HttpRequest;
import io.jtau.runtime.wasm.WasmRuntime;
import io.jtau.runtime.wasm.WasmRuntimeConfig;
import io.jtau.store.FileContentStore;
import io.jtau.store.ObjectStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane through the guest ABI: real WAT guests on the real Wasm runtime, a real Xodus KV
 * store and the broker. Focus: one project's functions never reach another project's data or
 * channels, whatever names they try.
 */
class DataPlaneTest {

  static final String A_ID = "QmAlphaProjectId";
  static final String B_ID = "QmBetaProjectId";
  static final ProjectKey A = new ProjectKey("alpha", "main");
  static final ProjectKey B = new ProjectKey("beta", "main");
  static final ProjectKey GAMMA = new ProjectKey("gamma", "main"); // copies alpha's project id

  @TempDir Path dir;
  KvStore kv;
  FileContentStore content;
  ObjectStorage objects;
  ExecutorService pool;
  WasmRuntime wasm;
  DataPlane data;
  final Map<Cid, byte[]> modules = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> pubsubCalls = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    kv = new KvStore(dir.resolve("kv"), KvStore.Settings.defaults());
    content = new FileContentStore(dir.resolve("store"));
    objects = new ObjectStorage(dir.resolve("objects"), content);
    pool = Executors.newFixedThreadPool(4);
    wasm = new WasmRuntime(WasmRuntimeConfig.defaults());
    data =
        new DataPlane(
            kv,
            objects,
            new Broker(pool),
            new DataPlane.Runner() {
              @Override
              public void prepare(FunctionTarget t) throws Exception {
                wasm.compile(t.module(), modules.get(t.module()));
              }

              @Override
              public void invokePubSub(
                  FunctionTarget t, GuestServices services, String topic, byte[] payload) {
                pubsubCalls
                    .computeIfAbsent(t.key().project(), k -> new AtomicInteger())
                    .incrementAndGet();
                wasm.invokePubSub(
                    wasm.cached(t.module()).orElseThrow(),
                    Node.invocation(t, services),
                    new io.jtau.runtime.wasm.PubSubMessage(topic, payload));
              }
            },
            DataPlane.Settings.defaults());
  }

  @AfterEach
  void tearDown() throws Exception {
    data.close();
    pool.shutdownNow();
    wasm.close();
    objects.close();
    content.close();
    kv.close();
  }

  // ---- building projects

  static Resource.Database db(String id, String match, boolean regex, long size) {
    return new Resource.Database(
        Identity.of(id, id.toLowerCase()), null, match, regex, false, null, size, null, null);
  }

  static Resource.Messaging channel(String id, String match, boolean regex, boolean ws) {
    return new Resource.Messaging(
        Identity.of(id, id.toLowerCase()), null, null, match, regex, null, ws);
  }

  static Resource.Function http(String id) {
    return new Resource.Function(
        Identity.of(id, id.toLowerCase()),
        null,
        "https",
        null,
        null,
        null,
        null,
        "GET",
        null,
        List.of(),
        List.of("/"),
        ".",
        5_000_000_000L,
        16 << 20,
        "call");
  }

  static Resource.Function pubsub(String id, String ch) {
    return new Resource.Function(
        Identity.of(id, id.toLowerCase()),
        null,
        "pubsub",
        null,
        ch,
        null,
        null,
        null,
        null,
        null,
        null,
        ".",
        5_000_000_000L,
        16 << 20,
        "onmsg");
  }

  /** Applies a project with one HTTP function running {@code wat}, plus extra resources. */
  Snapshot project(ProjectKey key, String projectId, String wat, Map<Resource, String> extra)
      throws Exception {
    List<Resource> rs = new ArrayList<>();
    Map<String, String> assets = new LinkedHashMap<>();
    Resource.Function fn = http("QmHttp" + key.project());
    rs.add(fn);
    assets.put(Snapshot.assetKey(fn), register(wat).value());
    for (Map.Entry<Resource, String> e : extra.entrySet()) {
      rs.add(e.getKey());
      if (e.getValue() != null) {
        assets.put(Snapshot.assetKey(e.getKey()), register(e.getValue()).value());
      }
    }
    ProjectConfig c =
        new ProjectConfig(projectId, key.project(), null, null, null, null, null, List.of(), rs);
    Snapshot s =
        new Snapshot(
            key, "rev-" + System.nanoTime(), "c1", "k1", 0, c, assets, Map.of(), List.of());
    data.prepare(key, s);
    data.apply(key, s);
    return s;
  }

  Cid register(String wat) throws Exception {
    byte[] w = Wat2Wasm.parse(wat);
    Cid cid =
        new Cid(
            "b"
                + HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(w))
                    .substring(0, 40));
    modules.put(cid, w);
    return cid;
  }

  /** Runs the project's HTTP function and returns its body. */
  String call(ProjectKey key, Snapshot s) throws Exception {
    Resource.Function fn = http("QmHttp" + key.project());
    FunctionTarget t = DataPlane.target(key, s, fn).orElseThrow();
    var module = wasm.compile(t.module(), modules.get(t.module()));
    var r =
        wasm.invokeHttp(
            module,
            Node.invocation(t, data.services(key)),
            HttpRequest.of("GET", "/", new byte[0]));
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  String run(ProjectKey key, String projectId, String wat, Resource... extra) throws Exception {
    Map<Resource, String> m = new LinkedHashMap<>();
    for (Resource r : extra) {
      m.put(r, null);
    }
    return call(key, project(key, projectId, wat, m));
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- databases

  @Test
  void a_function_uses_its_database_through_the_abi() throws Exception {
    String out =
        run(
            A,
            A_ID,
            DataGuests.database("users", "alice", "admin", "alice", "al"),
            db("QmUsers", "users", false, 1 << 20));
    assertThat(out).isEqualTo("000|000|000|admin|000|alice\0");
    KvDatabase users = data.database(A, "", "users").orElseThrow();
    assertThat(users.get(b("alice"))).asString().isEqualTo("admin");
    assertThat(users.usage().usedBytes()).isEqualTo(10);
  }

  @Test
  void names_match_exactly_or_by_anchored_regex_first_declared_first() throws Exception {
    Resource[] dbs = {
      db("QmBasic", "/basic/.*", true, 1 << 20),
      db("QmUsers", "users", false, 1 << 20),
      db("QmAny", "/basic/v1", false, 1 << 20)
    };
    assertThat(run(A, A_ID, DataGuests.database("/basic/v1", "k", "v", "k", ""), dbs))
        .isEqualTo("000|000|000|v|000|k\0");
    // /basic/v1 resolved to the regex database declared first, not the exact one after it
    assertThat(data.database(A, "", "/basic/v1").orElseThrow().id().resourceId())
        .isEqualTo("QmBasic");
    assertThat(run(A, A_ID, DataGuests.database("x/basic/v1", null, null, "k", ""), dbs))
        .as("the regex must match the whole name")
        .isEqualTo("022|");
    assertThat(run(A, A_ID, DataGuests.database("users2", null, null, "k", ""), dbs))
        .isEqualTo("022|");
    assertThat(run(A, A_ID, DataGuests.database("", null, null, "k", ""), dbs)).isEqualTo("022|");
    // each matched name is its own instance
    assertThat(run(A, A_ID, DataGuests.database("/basic/v2", null, null, "k", ""), dbs))
        .isEqualTo("000|029||000|");
  }

  @Test
  void the_quota_refuses_a_put_through_the_abi() throws Exception {
    String out =
        run(
            A,
            A_ID,
            DataGuests.database("tiny", "key", "a value too big", "key", ""),
            db("QmTiny", "tiny", false, 10));
    assertThat(out).isEqualTo("000|024|029||000|");
  }

  @Test
  void no_name_reaches_another_projects_database() throws Exception {
    assertThat(
            run(
                A,
                A_ID,
                DataGuests.database("users", "secret", "alpha-secret", "secret", ""),
                db("QmUsers", "users", false, 1 << 20)))
        .startsWith("000|000|000|alpha-secret|");
    List<String> attempts =
        List.of(
            "users",
            "/users",
            "../alpha/users",
            "alpha/users",
            "alpha\nusers",
            "alpha\n" + A_ID,
            A_ID,
            A_ID + "/users",
            "QmUsers",
            "users\0",
            ".*",
            "db-",
            "catalog",
            "../../kv/users");
    Resource[] bDbs = {db("QmUsersB", "users", false, 1 << 20), db("QmAll", ".*", true, 1 << 20)};
    for (String name : attempts) {
      // beta: its own databases (an any-name regex included) never show alpha's key
      assertThat(run(B, B_ID, DataGuests.database(name, null, null, "secret", ""), bDbs))
          .as("beta opening %s", name)
          .isIn("000|029||000|", "022|");
      // gamma copies alpha's project id in its config: still its own data
      assertThat(run(GAMMA, A_ID, DataGuests.database(name, null, null, "secret", ""), bDbs))
          .as("gamma opening %s", name)
          .isIn("000|029||000|", "022|");
    }
    // a project without databases can open nothing
    assertThat(run(B, B_ID, DataGuests.database("users", null, null, "secret", "")))
        .isEqualTo("022|");
    assertThat(data.database(A, "", "users").orElseThrow().get(b("secret")))
        .asString()
        .isEqualTo("alpha-secret");
  }

  // ---- globals

  @Test
  void globals_are_per_project_and_scoped_by_the_flags() throws Exception {
    assertThat(run(A, A_ID, DataGuests.globals("/g", "alpha", 0, 0))).isEqualTo("000|000|alpha");
    assertThat(run(A, A_ID, DataGuests.globals("/g", null, 0, 0))).isEqualTo("000|alpha");
    assertThat(run(A, A_ID, DataGuests.globals("/g", null, 0, 1)))
        .as("function scope is another key")
        .isEqualTo("029|");
    assertThat(run(A, A_ID, DataGuests.globals("/g", "fn", 0, 1))).isEqualTo("000|000|fn");
    assertThat(run(B, B_ID, DataGuests.globals("/g", null, 0, 0))).isEqualTo("029|");
    assertThat(run(GAMMA, A_ID, DataGuests.globals("/g", null, 0, 0))).isEqualTo("029|");
    KvDatabase g = data.globals(A).orElseThrow();
    assertThat(g.get(b("/g"))).asString().isEqualTo("alpha");
    assertThat(g.get(b("/QmHttpalpha/g"))).asString().isEqualTo("fn");
  }

  // ---- pub/sub

  @Test
  void publish_triggers_the_projects_subscribers_only_and_never_the_publisher_itself()
      throws Exception {
    Map<Resource, String> alpha = new LinkedHashMap<>();
    alpha.put(channel("QmChat", "chat", false, true), null);
    alpha.put(db("QmLog", "log", false, 1 << 20), null);
    alpha.put(pubsub("QmOnChat", "chat"), DataGuests.subscriber("log", "chat"));
    Snapshot sa = project(A, A_ID, DataGuests.publisher("chat", "hello", "nochannel"), alpha);
    Map<Resource, String> beta = new LinkedHashMap<>();
    beta.put(channel("QmAllChannels", ".*", true, true), null);
    beta.put(db("QmLog", "log", false, 1 << 20), null);
    beta.put(pubsub("QmOnChat", "chat"), DataGuests.subscriber("log", "chat"));
    project(B, B_ID, DataGuests.publisher("other", "x", "x"), beta);

    List<String> seen = new CopyOnWriteArrayList<>();
    data.broker()
        .subscribe(
            DataPlane.topic(A, A_ID, "", "chat"),
            "test",
            100,
            (Message m) -> seen.add(new String(m.data(), StandardCharsets.UTF_8)));

    String hash = ResourceMatch.projectHash(A_ID, "");
    assertThat(call(A, sa)).isEqualTo("000|020|000|ws-" + hash + "/chat");
    KvDatabase alphaLog = data.database(A, "", "log").orElseThrow();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> alphaLog.get(b("last")) != null && seen.contains("echo"));
    assertThat(alphaLog.get(b("last"))).asString().isEqualTo("hello");
    assertThat(alphaLog.get(b("chan"))).asString().isEqualTo("chat");
    assertThat(seen).containsExactly("hello", "echo");
    // the subscriber's own echo did not trigger it again
    assertThat(pubsubCalls.get("alpha")).hasValue(1);
    assertThat(data.database(B, "", "log").orElseThrow().get(b("last"))).isNull();
    assertThat(pubsubCalls).doesNotContainKey("beta");
  }

  @Test
  void channels_need_a_matching_messaging_resource() throws Exception {
    assertThat(
            run(
                A,
                A_ID,
                DataGuests.publisher("chat", "hi", "chat"),
                channel("QmRoom", "room/.*", true, false)))
        .as("publish, subscribe, websocket all refused")
        .isEqualTo("021|020|038|");
    assertThat(
            run(
                A,
                A_ID,
                DataGuests.publisher("room/1", "hi", "room/1"),
                channel("QmRoom", "room/.*", true, false)))
        .as("matched, but WebSocket not enabled")
        .isEqualTo("000|000|038|");
    assertThat(data.publish(A, "", "nope", "http", b("x")))
        .isEqualTo("no messaging resource matches channel nope");
  }

  @Test
  void websocket_paths_resolve_to_their_project_only() throws Exception {
    run(A, A_ID, DataGuests.globals("/x", null, 0, 0), channel("QmChat", "chat", false, true));
    run(B, B_ID, DataGuests.globals("/x", null, 0, 0), channel("QmChat", "chat", false, false));
    String ha = ResourceMatch.projectHash(A_ID, "");
    String hb = ResourceMatch.projectHash(B_ID, "");
    var t = data.socket(ha, "chat", List.of("main")).orElseThrow();
    assertThat(t.key()).isEqualTo(A);
    assertThat(t.topic()).isEqualTo(DataPlane.topic(A, A_ID, "", "chat"));
    assertThat(data.socket(hb, "chat", List.of("main"))).as("websocket not enabled").isEmpty();
    assertThat(data.socket(ha, "other", List.of("main"))).isEmpty();
    // a second project claiming alpha's id makes the hash ambiguous: refused, never guessed
    run(GAMMA, A_ID, DataGuests.globals("/x", null, 0, 0), channel("QmChat", "chat", false, true));
    assertThat(data.socket(ha, "chat", List.of("main"))).isEmpty();
  }

  @Test
  void an_invalid_regex_is_refused_before_apply_naming_the_resource() {
    ProjectConfig c =
        new ProjectConfig(
            A_ID,
            "alpha",
            null,
            null,
            null,
            null,
            null,
            List.of(),
            List.of(db("QmBad", "users(", true, 10), channel("QmCh", "[a-", true, false)));
    Snapshot s = new Snapshot(A, "r1", "c", "k", 0, c, Map.of(), Map.of(), List.of());
    assertThatThrownBy(() -> data.prepare(A, s))
        .hasMessageContaining(
            "databases/qmbad.yaml: match `users(` is not a valid regular expression")
        .hasMessageContaining(
            "messaging/qmch.yaml: channel.match `[a-` is not a valid regular expression");
  }

  // ---- object storage

  @Test
  void storages_resolve_by_name_with_their_quota_and_versioning() throws Exception {
    Resource.Storage st =
        new Resource.Storage(
            Identity.of("QmFiles", "files"),
            null,
            "object",
            "files/.*",
            true,
            true,
            null,
            true,
            null,
            100);
    run(A, A_ID, DataGuests.globals("/x", null, 0, 0), st);
    var ref = data.storage(A, "", "files/a").orElseThrow();
    assertThat(data.storage(A, "", "files")).isEmpty();
    assertThat(data.storage(B, "", "files/a")).isEmpty();
    assertThat(objects.config(ref.projectId(), ref.storageId()))
        .hasValue(new ObjectStorage.BucketConfig(true, 100));
    objects.put(ref.projectId(), ref.storageId(), "o", new java.io.ByteArrayInputStream(b("1")));
    objects.put(ref.projectId(), ref.storageId(), "o", new java.io.ByteArrayInputStream(b("2")));
    assertThat(objects.versions(ref.projectId(), ref.storageId(), "o")).hasSize(2);
    assertThatThrownBy(
            () ->
                objects.put(
                    ref.projectId(),
                    ref.storageId(),
                    "big",
                    new java.io.ByteArrayInputStream(new byte[200])))
        .isInstanceOf(io.jtau.store.StorageQuotaExceededException.class);
  }

  // ---- wipe (issue #11: tau dream reset wipes the samples' data)

  /** One project with a database, globals, an object storage and a pubsub-triggered function. */
  Snapshot withData(ProjectKey key, String projectId, String secret) throws Exception {
    Map<Resource, String> rs = new LinkedHashMap<>();
    rs.put(db("QmUsers", "users", false, 1 << 20), null);
    rs.put(
        new Resource.Storage(
            Identity.of("QmFiles", "files"),
            null,
            "object",
            "files",
            false,
            true,
            null,
            true,
            null,
            1000),
        null);
    rs.put(channel("QmChat", "chat", false, false), null);
    rs.put(pubsub("QmOnChat", "chat"), DataGuests.subscriber("log", "chat"));
    Snapshot s = project(key, projectId, DataGuests.globals("/x", null, 0, 0), rs);
    data.database(key, "", "users").orElseThrow().put(b("secret"), b(secret));
    data.globals(key).orElseThrow().put(b("g"), b(secret));
    var ref = data.storage(key, "", "files").orElseThrow();
    objects.put(ref.projectId(), ref.storageId(), "o", new java.io.ByteArrayInputStream(b(secret)));
    return s;
  }

  String secretOf(ProjectKey key) throws Exception {
    byte[] v = data.database(key, "", "users").orElseThrow().get(b("secret"));
    byte[] g = data.globals(key).orElseThrow().get(b("g"));
    var ref = data.storage(key, "", "files").orElseThrow();
    String o =
        objects.stat(ref.projectId(), ref.storageId(), "o").isEmpty()
            ? "-"
            : new String(
                objects.get(ref.projectId(), ref.storageId(), "o").readAllBytes(),
                StandardCharsets.UTF_8);
    return (v == null ? "-" : new String(v, StandardCharsets.UTF_8))
        + "|"
        + (g == null ? "-" : new String(g, StandardCharsets.UTF_8))
        + "|"
        + o;
  }

  @Test
  void wipe_deletes_every_piece_of_one_projects_data_and_nothing_of_another() throws Exception {
    ProjectKey alphaDev = new ProjectKey("alpha", "dev");
    ProjectKey alphax = new ProjectKey("alphax", "main"); // "alpha" is a prefix of its name
    Snapshot sa = withData(A, A_ID, "a-main");
    withData(alphaDev, "QmAlphaDevId", "a-dev"); // another branch with another project id
    withData(alphax, A_ID, "x");
    withData(B, B_ID, "b");
    withData(GAMMA, A_ID, "g"); // copies alpha's project id
    assertThat(data.broker().subscriberCount(DataPlane.topic(A, A_ID, "", "chat"))).isEqualTo(1);

    DataPlane.Wiped w = data.wipe("alpha");

    // users + globals on each of the two branches; one storage on each
    assertThat(w).isEqualTo(new DataPlane.Wiped(4, 2, 2, 0));
    assertThat(secretOf(A)).isEqualTo("-|-|-");
    assertThat(secretOf(alphaDev)).isEqualTo("-|-|-");
    assertThat(secretOf(alphax)).isEqualTo("x|x|x");
    assertThat(secretOf(B)).isEqualTo("b|b|b");
    assertThat(secretOf(GAMMA)).isEqualTo("g|g|g");
    assertThat(data.broker().subscriberCount(DataPlane.topic(A, A_ID, "", "chat"))).isZero();
    assertThat(data.broker().subscriberCount(DataPlane.topic(B, B_ID, "", "chat"))).isEqualTo(1);
    assertThat(content.pins("storage:alpha\n")).isEmpty();

    // the project keeps serving: the next apply subscribes its functions again
    data.apply(A, sa);
    assertThat(data.broker().subscriberCount(DataPlane.topic(A, A_ID, "", "chat"))).isEqualTo(1);
    assertThat(data.wipe("alpha").databases())
        .as("again: the empty databases secretOf opened since, on both branches")
        .isEqualTo(4);
    assertThat(secretOf(A)).isEqualTo("-|-|-");
    assertThat(data.wipe("nobody")).isEqualTo(new DataPlane.Wiped(0, 0, 0, 0));
  }
}
