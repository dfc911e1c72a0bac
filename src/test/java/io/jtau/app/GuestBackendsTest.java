package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.FunctionTarget;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.runtime.kv.KvStore;
import io.jtau.runtime.pubsub.Broker;
import io.jtau.runtime.wasm.ContentStore;
import io.jtau.runtime.wasm.EventResult;
import io.jtau.runtime.wasm.FileStorage;
import io.jtau.runtime.wasm.GuestServices;
import io.jtau.runtime.wasm.Invocation;
import io.jtau.runtime.wasm.P2PNode;
import io.jtau.runtime.wasm.P2PRequest;
import io.jtau.store.Cids;
import io.jtau.store.FileContentStore;
import io.jtau.store.ObjectStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's guest backends for content by CID and p2p (issue #5), on the real content store and
 * data plane; the Wasm side is covered end to end by {@code GuestBackendsIT}. Bad inputs: over
 * quota, oversized reads, CIDs the store cannot hold, another node's peer, undeclared protocols,
 * another project's functions, too many commands in flight.
 */
class GuestBackendsTest {

  static final ProjectKey A = new ProjectKey("alpha", "main");
  static final ProjectKey B = new ProjectKey("beta", "main");
  static final String A_ID = "QmAlphaProjectId";
  static final String B_ID = "QmBetaProjectId";

  @TempDir Path dir;
  KvStore kv;
  FileContentStore store;
  ObjectStorage objects;
  ExecutorService pool;
  DataPlane data;
  GuestContent content;
  final List<P2PRequest> received = new java.util.concurrent.CopyOnWriteArrayList<>();
  volatile CountDownLatch hold = new CountDownLatch(0);
  final AtomicInteger running = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    kv = new KvStore(dir.resolve("kv"), KvStore.Settings.defaults());
    store = new FileContentStore(dir.resolve("store"));
    objects = new ObjectStorage(dir.resolve("objects"), store);
    pool = Executors.newCachedThreadPool();
    content = new GuestContent(store, new GuestContent.Settings(100, 50));
    data =
        new DataPlane(
            kv,
            objects,
            new Broker(pool),
            new DataPlane.Runner() {
              @Override
              public void prepare(FunctionTarget t) {}

              @Override
              public void invokePubSub(
                  FunctionTarget t, GuestServices services, String topic, byte[] payload) {}

              @Override
              public EventResult invokeP2P(
                  FunctionTarget t, GuestServices services, P2PRequest request) {
                running.incrementAndGet();
                try {
                  hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                received.add(request);
                byte[] data = (byte[]) request.body().get("data");
                String reply = t.name() + " got " + new String(data, StandardCharsets.UTF_8);
                return new EventResult(true, "", 0, reply.getBytes(StandardCharsets.UTF_8), "");
              }
            },
            DataPlane.Settings.defaults(),
            content);
    apply(A, A_ID, "/echo/v1");
    apply(B, B_ID, "/other/v1");
  }

  @AfterEach
  void tearDown() throws Exception {
    hold.countDown();
    data.close();
    pool.shutdownNow();
    objects.close();
    store.close();
    kv.close();
  }

  void apply(ProjectKey key, String id, String protocol) throws Exception {
    Resource.Function pong =
        new Resource.Function(
            Identity.of("QmPong" + key.project(), "pong"),
            null,
            "p2p",
            null,
            null,
            protocol,
            "ping",
            null,
            null,
            null,
            null,
            ".",
            5_000_000_000L,
            16 << 20,
            "pong");
    Resource.Service svc = new Resource.Service(Identity.of("QmSvc", "svc"), null, protocol);
    ProjectConfig c =
        new ProjectConfig(
            id, key.project(), null, null, null, null, null, List.of(), List.of(pong, svc));
    Snapshot s =
        new Snapshot(
            key,
            "r1",
            "c1",
            "",
            0,
            c,
            Map.of(Snapshot.assetKey(pong), store.put("module".getBytes()).value()),
            Map.of(),
            List.of());
    data.prepare(key, s);
    data.apply(key, s);
  }

  Invocation inv(String projectId, GuestServices services) {
    return new Invocation(projectId, "", "QmCaller", "c1", "main", "call", 16 << 20, 0, services);
  }

  P2PNode p2p(ProjectKey key, String id) {
    GuestServices s = data.services(key);
    return s.p2p(inv(id, s)).orElseThrow();
  }

  ContentStore content(ProjectKey key, String id) {
    GuestServices s = data.services(key);
    return s.content(inv(id, s)).orElseThrow();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- content

  @Test
  void pushedContentIsPinnedForTheProjectAndReadableByAnyone() throws Exception {
    byte[] cid = content(A, A_ID).add(b("from alpha"));

    assertThat(store.owners(Cids.fromBytes(cid))).containsExactly(GuestContent.owner("alpha"));
    assertThat(content(B, B_ID).get(cid)).isEqualTo(b("from alpha"));
    store.gc(Duration.ZERO); // collects the unpinned stand-in module, not the pushed content
    assertThat(content(A, A_ID).get(cid)).isEqualTo(b("from alpha"));
  }

  @Test
  void theQuotaCountsDistinctContentPerProject() throws Exception {
    ContentStore a = content(A, A_ID);
    a.add(new byte[60]);
    a.add(new byte[60]); // the same bytes again: already pinned, free
    assertThat(content.used("alpha")).isEqualTo(60);
    assertThatThrownBy(() -> a.add(new byte[41]))
        .isInstanceOf(FileStorage.StorageException.class)
        .hasMessage("content quota of project alpha exceeded: 60 + 41 > 100 bytes");
    // beta's quota is its own
    content(B, B_ID).add(new byte[41]);
    assertThat(content.used("beta")).isEqualTo(41);
  }

  @Test
  void readsThatCannotBeServedSaySoOrFindNothing() throws Exception {
    ContentStore a = content(A, A_ID);
    byte[] big = Cids.toBytes(store.put(new byte[51]));
    assertThatThrownBy(() -> a.get(big))
        .isInstanceOf(FileStorage.StorageException.class)
        .hasMessageContaining("is 51 bytes, over the 50 a guest may open");
    byte[] raw = Cids.toBytes(store.put(b("x")));
    raw[1] = 0x55; // a raw-leaf CID: this store holds none
    assertThat(a.get(raw)).isNull();
    assertThat(a.get(Cids.toBytes(io.jtau.store.UnixFs.cidOf(b("never stored"))))).isNull();
  }

  @Test
  void aGuestOfAnotherProjectIdGetsNoContentAndNoP2p() {
    GuestServices s = data.services(A);
    assertThat(s.content(inv(B_ID, s))).isEmpty();
    assertThat(s.p2p(inv(B_ID, s))).isEmpty();
  }

  // ---- p2p

  @Test
  void aCommandReachesTheFunctionServingIt() throws Exception {
    P2PNode node = p2p(A, A_ID);

    assertThat(node.open("/echo/v1")).isTrue();
    Map<String, Object> r = node.send("/echo/v1", "ping", b("hi"), null);

    assertThat(new String((byte[]) r.get("data"), StandardCharsets.UTF_8)).isEqualTo("pong got hi");
    P2PRequest req = received.get(0);
    assertThat(req.command()).isEqualTo("ping");
    assertThat(req.body().get("protocol")).isEqualTo("/echo/v1");
    assertThat(req.fromPeer()).isEqualTo(ProjectGuestServices.NODE_PEER);
    assertThat(node.listen("/echo/v1")).isEqualTo("/echo/v1");
    List<byte[]> peers = node.discover(3, Duration.ofSeconds(1));
    assertThat(peers).hasSize(1);
    assertThat(node.send("/echo/v1", "ping", b("again"), peers.get(0)).get("data"))
        .isEqualTo(b("pong got again"));
    assertThat(node.discover(0, Duration.ofSeconds(1))).isEmpty();
  }

  @Test
  void commandsThatCannotBeDeliveredFailWithAReason() {
    P2PNode a = p2p(A, A_ID);
    // beta's protocol is not alpha's: nothing declares it in alpha, nothing serves it
    assertThat(a.open("/other/v1")).isFalse();
    assertThatThrownBy(() -> a.send("/other/v1", "ping", b("x"), null))
        .isInstanceOf(P2PNode.P2PException.class)
        .hasMessage("no function of alpha@main serves command ping on /other/v1");
    assertThatThrownBy(() -> a.send("/echo/v1", "nope", b("x"), null))
        .hasMessage("no function of alpha@main serves command nope on /echo/v1");
    assertThatThrownBy(
            () -> a.send("/echo/v1", "ping", b("x"), P2PRequest.peerId(b("another node"))))
        .hasMessage("peer is not this node; commands between nodes are not offered");
    assertThatThrownBy(() -> a.listen("/other/v1"))
        .hasMessage("project alpha declares no protocol /other/v1");
    assertThat(received).isEmpty();
  }

  @Test
  void commandsInFlightPerProjectAreBounded() throws Exception {
    hold = new CountDownLatch(1);
    P2PNode a = p2p(A, A_ID);
    List<CompletableFuture<Map<String, Object>>> calls = new ArrayList<>();
    for (int i = 0; i < DataPlane.MAX_P2P_IN_FLIGHT; i++) {
      calls.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return a.send("/echo/v1", "ping", b("x"), null);
                } catch (P2PNode.P2PException e) {
                  throw new IllegalStateException(e);
                }
              },
              pool));
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> running.get() == DataPlane.MAX_P2P_IN_FLIGHT);

    assertThatThrownBy(() -> a.send("/echo/v1", "ping", b("x"), null))
        .hasMessage("too many p2p commands in flight for alpha");
    // another project is not held up
    assertThat(p2p(B, B_ID).open("/other/v1")).isTrue();

    hold.countDown();
    for (var c : calls) {
      assertThat(c.get(10, TimeUnit.SECONDS).get("data")).isEqualTo(b("pong got x"));
    }
    assertThat(a.send("/echo/v1", "ping", b("y"), null).get("data")).isEqualTo(b("pong got y"));
  }
}
