package io.jtau.app;

import io.jtau.model.Cid;
import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.model.Snapshot;
import io.jtau.port.Registry;
import io.jtau.registry.XodusRegistry;
import io.jtau.store.FileContentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The registry as the reconciler sees it, keeping the content store's pins equal to what the
 * registry keeps (issue #6): every asset CID of every stored snapshot (the current one and the
 * history kept for rollback, any project and branch) is pinned by owner {@code
 * snapshot:<project>/<branch>@<revision>}; a snapshot the registry prunes loses its pins, so {@link
 * FileContentStore#gc} can reclaim what only it referenced.
 *
 * <p>Order: a snapshot's assets are pinned <em>before</em> it is published (a crash in between
 * leaves an extra pin, removed by the next {@link #syncAll}); pruned snapshots are unpinned
 * <em>after</em> the registry dropped them. {@link #syncAll} reconciles every pin with the registry
 * (run at start and before each gc), so a crash anywhere leaves at most extra pins for a while,
 * never a missing one. Registry and store never import each other: this glue is the only place that
 * knows both.
 *
 * <p>Thread-safe: publications, rollbacks and syncs are serialized by one lock, so a sync never
 * computes "desired" before a publication and "actual" after its pins. Blocking (Xodus writes).
 */
public final class PinnedRegistry implements Registry {

  /** Prefix of every pin owner this class manages. */
  public static final String OWNER_PREFIX = "snapshot:";

  private final XodusRegistry registry;
  private final FileContentStore store;
  private final ReentrantLock lock = new ReentrantLock();

  public PinnedRegistry(XodusRegistry registry, FileContentStore store) {
    this.registry = registry;
    this.store = store;
  }

  /** The pin owner of one stored snapshot. */
  public static String owner(ProjectKey key, String revision) {
    return OWNER_PREFIX + key.project() + "/" + key.branch() + "@" + revision;
  }

  /** What one {@link #gc} did: pins fixed first, then the store's report. */
  public record GcOutcome(int pinsAdded, int pinsRemoved, FileContentStore.GcReport report) {}

  /**
   * Reconciles pins with the registry, then collects unreferenced blocks older than {@code grace}.
   * A publication racing with the collection is safe: its fresh blocks are within the grace period,
   * and a pin made while the store collects waits for it (and fails if its content is gone, which
   * the reconciler retries by rebuilding).
   */
  public GcOutcome gc(Duration grace) throws IOException {
    int[] fixed = syncAll();
    return new GcOutcome(fixed[0], fixed[1], store.gc(grace));
  }

  @Override
  public Publication publish(Snapshot snapshot, String expectedCurrent) {
    lock.lock();
    try {
      pinAssets(snapshot);
      List<String> before = registry.storedRevisions(snapshot.key());
      Publication p = registry.publish(snapshot, expectedCurrent);
      unpinPruned(snapshot.key(), before);
      return p;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<Publication> rollback(ProjectKey key, String revision, String expectedCurrent) {
    lock.lock();
    try {
      List<String> before = registry.storedRevisions(key);
      Optional<Publication> p = registry.rollback(key, revision, expectedCurrent);
      unpinPruned(key, before);
      return p;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Publication rollback(Snapshot snapshot, String expectedCurrent) {
    lock.lock();
    try {
      pinAssets(snapshot);
      List<String> before = registry.storedRevisions(snapshot.key());
      Publication p = registry.rollback(snapshot, expectedCurrent);
      unpinPruned(snapshot.key(), before);
      return p;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<Snapshot> current(ProjectKey key) {
    return registry.current(key);
  }

  @Override
  public Optional<Snapshot> snapshot(ProjectKey key, String revision) {
    return registry.snapshot(key, revision);
  }

  @Override
  public List<HistoryEntry> history(ProjectKey key, int limit) {
    return registry.history(key, limit);
  }

  @Override
  public List<ProjectKey> keys() {
    return registry.keys();
  }

  /**
   * Makes the snapshot pins exactly the assets of the stored snapshots of every key; returns {pins
   * added, pins removed}. Idempotent.
   */
  public int[] syncAll() {
    lock.lock();
    try {
      Set<FileContentStore.Pin> desired = new HashSet<>();
      for (ProjectKey key : registry.keys()) {
        desired.addAll(desired(key));
      }
      return apply(desired, store.pins(OWNER_PREFIX));
    } finally {
      lock.unlock();
    }
  }

  /**
   * After a publication or rollback of {@code key}: drops the pins of the revisions that were
   * stored {@code before} it and are no longer (the registry pruned them). Reads only those owners'
   * pins and decodes no snapshot; pins a crash left behind are settled by {@link #syncAll} at start
   * and before every gc.
   */
  private void unpinPruned(ProjectKey key, List<String> before) {
    Set<String> kept = new HashSet<>(registry.storedRevisions(key));
    List<FileContentStore.Pin> stale = new ArrayList<>();
    for (String revision : before) {
      if (!kept.contains(revision)) {
        String owner = owner(key, revision);
        // pins(owner) is a prefix read: a longer revision starting with this one is not it.
        store.pins(owner).stream().filter(p -> p.owner().equals(owner)).forEach(stale::add);
      }
    }
    try {
      store.unpinAll(stale);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update snapshot pins: " + e.getMessage(), e);
    }
  }

  private Set<FileContentStore.Pin> desired(ProjectKey key) {
    Set<FileContentStore.Pin> out = new HashSet<>();
    for (String revision : registry.storedRevisions(key)) {
      registry
          .snapshot(key, revision)
          .ifPresent(
              s -> {
                for (String cid : s.assets().values()) {
                  out.add(new FileContentStore.Pin(new Cid(cid), owner(key, revision)));
                }
              });
    }
    return out;
  }

  private int[] apply(Set<FileContentStore.Pin> desired, List<FileContentStore.Pin> actual) {
    try {
      Set<FileContentStore.Pin> have = new HashSet<>(actual);
      List<FileContentStore.Pin> drop = actual.stream().filter(p -> !desired.contains(p)).toList();
      store.unpinAll(drop);
      Map<String, List<Cid>> add = new HashMap<>();
      int added = 0;
      for (FileContentStore.Pin p : desired) {
        if (!have.contains(p) && store.has(p.cid())) {
          // An absent asset cannot be pinned; the snapshot that names it is already broken and
          // gc has nothing of it to keep.
          add.computeIfAbsent(p.owner(), o -> new ArrayList<>()).add(p.cid());
          added++;
        }
      }
      for (Map.Entry<String, List<Cid>> e : add.entrySet()) {
        store.pinAll(e.getValue(), e.getKey());
      }
      return new int[] {added, drop.size()};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update snapshot pins: " + e.getMessage(), e);
    }
  }

  /** Pins every asset of the snapshot under its revision, in one durable transaction. */
  private void pinAssets(Snapshot snapshot) {
    Set<Cid> cids = new LinkedHashSet<>();
    for (String cid : snapshot.assets().values()) {
      cids.add(new Cid(cid));
    }
    try {
      store.pinAll(cids, owner(snapshot.key(), snapshot.revision()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot keep the assets of " + snapshot.key() + ": " + e.getMessage(), e);
    }
  }
}
