package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Cid;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.port.Registry;
import io.jtau.registry.XodusRegistry;
import io.jtau.store.FileContentStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference counting between the registry and the content store (issue #6): real Xodus registry,
 * real file store, real gc.
 */
class PinnedRegistryTest {

  static final int RETAIN = 3;

  @TempDir Path dir;
  final ProjectKey key = new ProjectKey("hello", "main");
  final Random random = new Random(42);
  XodusRegistry xodus;
  FileContentStore store;
  PinnedRegistry registry;

  @BeforeEach
  void open() throws Exception {
    xodus = new XodusRegistry(dir.resolve("registry"), RETAIN);
    store = new FileContentStore(dir.resolve("store"));
    registry = new PinnedRegistry(xodus, store);
  }

  @AfterEach
  void close() {
    xodus.close();
    store.close();
  }

  /** 300 KB of random bytes: two leaves and a root, none shared with another artifact. */
  byte[] artifact() {
    byte[] b = new byte[300_000];
    random.nextBytes(b);
    return b;
  }

  static Snapshot snapshot(ProjectKey key, int n, Map<String, String> assets) {
    ProjectConfig cfg =
        new ProjectConfig(
            "QmProject",
            "hello",
            "commit " + n,
            null,
            null,
            null,
            null,
            List.of(),
            List.of(
                new Resource.Function(
                    Identity.of("QmFn", "ping"),
                    null,
                    "https",
                    null,
                    null,
                    null,
                    null,
                    "GET",
                    null,
                    List.of(),
                    List.of("/ping"),
                    ".",
                    1_000_000_000L,
                    1 << 20,
                    "ping")));
    String commit = String.format("%040x", n);
    return new Snapshot(key, commit, commit, "", n, cfg, assets, Map.of(), List.of());
  }

  record Pushed(Snapshot snapshot, Cid own, byte[] bytes) {}

  /** Publishes commit {@code n} with its own artifact and the shared one. */
  Pushed push(int n, Cid shared) throws Exception {
    byte[] bytes = artifact();
    Cid own = store.put(bytes);
    Snapshot s = snapshot(key, n, Map.of("/QmFn", own.value(), "/QmLib", shared.value()));
    String expected = registry.current(key).map(Snapshot::revision).orElse(null);
    assertThat(registry.publish(s, expected)).isEqualTo(Registry.Publication.PUBLISHED);
    return new Pushed(s, own, bytes);
  }

  @Test
  void gcReclaimsExactlyTheArtifactsOfPrunedSnapshots() throws Exception {
    Cid shared = store.put(artifact());
    List<Pushed> pushed = new ArrayList<>();
    for (int n = 1; n <= RETAIN + 4; n++) {
      pushed.add(push(n, shared));
    }
    long blocksBefore = store.stats().blocks();

    PinnedRegistry.GcOutcome gc = registry.gc(Duration.ZERO);

    int pruned = pushed.size() - RETAIN;
    assertThat(gc.report().skippedBecause()).isNull();
    assertThat(gc.report().deletedBlocks()).isEqualTo(pruned * 3L); // 2 leaves + 1 root each
    assertThat(store.stats().blocks()).isEqualTo(blocksBefore - pruned * 3L);
    for (int i = 0; i < pushed.size(); i++) {
      Pushed p = pushed.get(i);
      if (i < pruned) {
        assertThat(store.has(p.own())).as("artifact of pruned commit %d", i + 1).isFalse();
        assertThat(store.owners(p.own())).isEmpty();
      } else {
        assertThat(store.read(p.own()))
            .as("artifact of kept commit %d", i + 1)
            .isEqualTo(p.bytes());
        assertThat(store.owners(p.own()))
            .containsExactly(PinnedRegistry.owner(key, p.snapshot().revision()));
      }
    }
    assertThat(store.has(shared)).isTrue();
    assertThat(store.owners(shared)).hasSize(RETAIN);
    assertThat(store.verify().healthy()).isTrue();
    // A second gc finds nothing more to free.
    assertThat(registry.gc(Duration.ZERO).report().deletedBlocks()).isZero();
  }

  @Test
  void rollbackToAKeptSnapshotWorksAfterGc() throws Exception {
    Cid shared = store.put(artifact());
    List<Pushed> pushed = new ArrayList<>();
    for (int n = 1; n <= RETAIN + 2; n++) {
      pushed.add(push(n, shared));
    }
    registry.gc(Duration.ZERO);
    Pushed oldestKept = pushed.get(pushed.size() - RETAIN);
    String current = registry.current(key).orElseThrow().revision();

    assertThat(registry.rollback(key, oldestKept.snapshot().revision(), current))
        .contains(Registry.Publication.PUBLISHED);
    registry.gc(Duration.ZERO);

    Snapshot now = registry.current(key).orElseThrow();
    assertThat(now.revision()).isEqualTo(oldestKept.snapshot().revision());
    assertThat(store.read(new Cid(now.assets().get("/QmFn")))).isEqualTo(oldestKept.bytes());
    // The pruned one cannot be rolled back to: the registry says so, nothing half-works.
    String pruned = pushed.get(0).snapshot().revision();
    assertThat(registry.rollback(key, pruned, now.revision())).isEmpty();
  }

  @Test
  void snapshotsOfOtherKeysAreNeverUnpinned() throws Exception {
    Cid shared = store.put(artifact());
    ProjectKey other = new ProjectKey("other", "main");
    byte[] otherBytes = artifact();
    Cid otherCid = store.put(otherBytes);
    registry.publish(snapshot(other, 1, Map.of("/QmFn", otherCid.value())), null);
    ProjectKey lookalike = new ProjectKey("hello", "main@x");
    byte[] lookalikeBytes = artifact();
    Cid lookalikeCid = store.put(lookalikeBytes);
    registry.publish(snapshot(lookalike, 1, Map.of("/QmFn", lookalikeCid.value())), null);
    for (int n = 1; n <= RETAIN + 3; n++) {
      push(n, shared);
    }

    registry.gc(Duration.ZERO);

    assertThat(store.read(otherCid)).isEqualTo(otherBytes);
    assertThat(store.read(lookalikeCid)).isEqualTo(lookalikeBytes);
  }

  @Test
  void syncRepairsPinsOfSnapshotsPublishedWithoutThem() throws Exception {
    // As after a crash between the registry's write and the pins (or data from before pins).
    byte[] bytes = artifact();
    Cid cid = store.put(bytes);
    xodus.publish(snapshot(key, 1, Map.of("/QmFn", cid.value())), null);

    PinnedRegistry.GcOutcome gc = registry.gc(Duration.ZERO);

    assertThat(gc.pinsAdded()).isEqualTo(1);
    assertThat(store.read(cid)).isEqualTo(bytes);
  }

  @Test
  void publishingDuringGcNeverLosesAFreshBlock() throws Exception {
    Cid shared = store.put(artifact());
    AtomicBoolean done = new AtomicBoolean();
    CompletableFuture<List<Pushed>> publisher =
        CompletableFuture.supplyAsync(
            () -> {
              List<Pushed> out = new ArrayList<>();
              try {
                for (int n = 1; n <= 40; n++) {
                  out.add(push(n, shared));
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                done.set(true);
              }
              return out;
            });
    int rounds = 0;
    long freed = 0;
    while (!done.get() && rounds < 10_000) {
      // A grace period longer than a put-then-publish: fresh, not yet pinned blocks stay.
      freed += registry.gc(Duration.ofMinutes(10)).report().deletedBlocks();
      rounds++;
    }
    List<Pushed> pushed = publisher.get(60, TimeUnit.SECONDS);
    assertThat(rounds).isPositive();
    assertThat(freed).isZero();

    // Every kept snapshot is whole, and stays whole when nothing is fresh any more.
    registry.gc(Duration.ZERO);
    for (String revision : xodus.storedRevisions(key)) {
      Snapshot s = registry.snapshot(key, revision).orElseThrow();
      for (String cid : s.assets().values()) {
        assertThat(store.has(new Cid(cid))).as("asset %s of %s", cid, revision).isTrue();
      }
    }
    assertThat(xodus.storedRevisions(key)).hasSize(RETAIN);
    Pushed last = pushed.get(pushed.size() - 1);
    assertThat(store.read(last.own())).isEqualTo(last.bytes());
    assertThat(store.has(pushed.get(0).own())).isFalse();
  }
}
