package io.jtau.registry;

import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.model.Snapshot;
import io.jtau.port.Registry;
import io.jtau.port.SecretSealer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

/**
 * The registry on Xodus with durable writes. A snapshot, its history entry, its index links and the
 * {@code current} pointer are written in one transaction, so after a crash either all of them are
 * visible or none.
 *
 * <p>{@code current} is guarded: every publication compares the current revision with the one the
 * caller expects (compare-and-set) and a revision that was current before is refused unless it is
 * an explicit {@link #rollback}. The index map of each snapshot (tau's link buckets, {@link
 * Snapshot#indexes()}) is also kept in a link table keyed by index key <em>and</em> (project,
 * branch): a publication replaces exactly the links its key wrote before and never touches another
 * project's or branch's links (tau's D1, D3, D7). Keeps at most {@code retainSnapshots} snapshots
 * per key (the current one is never removed); history entries are kept. Thread-safe; current
 * snapshots are cached in memory after the first read.
 */
public final class XodusRegistry implements Registry, AutoCloseable {

  private static final String SNAPSHOTS = "snapshots";
  private static final String CURRENT = "current";
  private static final String HISTORY = "history";
  private static final String SEQUENCES = "sequences";
  private static final String REVISIONS = "revisions";
  private static final String LINKS = "links";
  private static final String OWNED_LINKS = "owned-links";

  private final Environment env;
  private final SnapshotCodec codec;
  private final int retainSnapshots;

  /** Keys whose whole history was pruned once by this process (later publishes read the top). */
  private final Set<ProjectKey> fullyPruned = ConcurrentHashMap.newKeySet();

  /** Revisions read past the retained ones on an ordinary publish. */
  private static final int PRUNE_WINDOW = 8;

  private final Map<ProjectKey, Snapshot> currentCache = new ConcurrentHashMap<>();

  public XodusRegistry(Path dir, int retainSnapshots) {
    this(dir, retainSnapshots, SecretSealer.NONE);
  }

  /**
   * A registry whose stored snapshots and index values hold database encryption keys sealed by
   * {@code sealer} (see {@link SnapshotCodec}).
   */
  public XodusRegistry(Path dir, int retainSnapshots, SecretSealer sealer) {
    this.codec = new SnapshotCodec(sealer);
    if (retainSnapshots < 1) {
      throw new IllegalArgumentException("retainSnapshots must be at least 1");
    }
    this.retainSnapshots = retainSnapshots;
    EnvironmentConfig cfg = new EnvironmentConfig().setLogDurableWrite(true);
    this.env = Environments.newInstance(dir.toFile(), cfg);
    env.executeInTransaction(
        txn -> {
          for (String name :
              List.of(SNAPSHOTS, CURRENT, HISTORY, SEQUENCES, REVISIONS, LINKS, OWNED_LINKS)) {
            open(txn, name);
          }
        });
  }

  private Store open(Transaction txn, String name) {
    return env.openStore(name, StoreConfig.WITHOUT_DUPLICATES, txn);
  }

  @Override
  public Publication publish(Snapshot snapshot, String expectedCurrent) {
    return write(snapshot.key(), snapshot.revision(), snapshot, expectedCurrent, false)
        .orElseThrow();
  }

  @Override
  public Optional<Publication> rollback(ProjectKey key, String revision, String expectedCurrent) {
    return write(key, revision, null, expectedCurrent, true);
  }

  @Override
  public Publication rollback(Snapshot snapshot, String expectedCurrent) {
    return write(snapshot.key(), snapshot.revision(), snapshot, expectedCurrent, true)
        .orElseThrow();
  }

  /**
   * The one write path. {@code snapshot} null means "the stored one" (rollback); empty when it is
   * not stored.
   */
  private Optional<Publication> write(
      ProjectKey key, String revision, Snapshot given, String expectedCurrent, boolean rollback) {
    byte[] encoded = given == null ? null : codec.encode(given);
    Snapshot cachedCurrent = currentCache.get(key);
    Snapshot[] published = {null};
    Optional<Publication> outcome =
        env.computeInExclusiveTransaction(
            txn -> {
              Store snapshots = open(txn, SNAPSHOTS);
              Store current = open(txn, CURRENT);
              Store revisions = open(txn, REVISIONS);
              ByteIterable cur = current.get(txn, keyBytes(key));
              String currentRevision = cur == null ? null : string(cur);
              if (!ANY.equals(expectedCurrent)
                  && !java.util.Objects.equals(expectedCurrent, currentRevision)) {
                return Optional.of(Publication.CONFLICT);
              }
              if (revision.equals(currentRevision)) {
                return Optional.of(Publication.ALREADY_CURRENT);
              }
              ByteIterable snapKey = snapshotKey(key, revision);
              boolean seenBefore = revisions.get(txn, snapKey) != null;
              if (seenBefore && !rollback) {
                return Optional.of(Publication.OLDER_THAN_CURRENT);
              }
              Snapshot snapshot = given;
              if (snapshot == null) {
                ByteIterable stored = snapshots.get(txn, snapKey);
                if (stored == null) {
                  return Optional.<Publication>empty();
                }
                snapshot = codec.decodeSnapshot(copy(stored));
              } else if (snapshots.get(txn, snapKey) == null) {
                snapshots.put(txn, snapKey, new ArrayByteIterable(encoded));
              }
              current.put(txn, keyBytes(key), text(revision));
              long seq = nextSequence(txn, key);
              if (!seenBefore) {
                revisions.put(txn, snapKey, text(Long.toString(seq)));
              }
              HistoryEntry entry =
                  new HistoryEntry(
                      seq,
                      revision,
                      snapshot.configCommit(),
                      snapshot.codeCommit(),
                      snapshot.createdAtMillis());
              open(txn, HISTORY)
                  .put(txn, historyKey(key, seq), new ArrayByteIterable(codec.encode(entry)));
              // The link table holds exactly the current snapshot's index map; when that snapshot
              // is the cached one, only the links that differ are written.
              Map<String, Object> before =
                  cachedCurrent != null && cachedCurrent.revision().equals(currentRevision)
                      ? cachedCurrent.indexes()
                      : null;
              replaceLinks(txn, key, snapshot.indexes(), before);
              prune(txn, snapshots, open(txn, HISTORY), key, revision);
              published[0] = snapshot;
              return Optional.of(Publication.PUBLISHED);
            });
    if (published[0] != null) {
      currentCache.put(key, published[0]);
    }
    return outcome;
  }

  /**
   * Replaces the links this key wrote with the snapshot's index map; other keys' links stay. A link
   * is stored under {@code indexKey \0 project \0 branch}.
   */
  private void replaceLinks(
      Transaction txn, ProjectKey key, Map<String, Object> indexes, Map<String, Object> before) {
    Store links = open(txn, LINKS);
    Store owned = open(txn, OWNED_LINKS);
    if (before != null) {
      for (String indexKey : before.keySet()) {
        if (!indexes.containsKey(indexKey)) {
          links.delete(txn, linkKey(indexKey, key));
        }
      }
      for (Map.Entry<String, Object> e : indexes.entrySet()) {
        if (!before.containsKey(e.getKey())
            || !java.util.Objects.equals(before.get(e.getKey()), e.getValue())) {
          links.put(
              txn,
              linkKey(e.getKey(), key),
              new ArrayByteIterable(codec.encodeValue(e.getValue())));
        }
      }
      if (!before.keySet().equals(indexes.keySet())) {
        owned.put(
            txn,
            keyBytes(key),
            new ArrayByteIterable(codec.encodeValue(new java.util.TreeSet<>(indexes.keySet()))));
      }
      return;
    }
    ByteIterable previous = owned.get(txn, keyBytes(key));
    java.util.Set<String> keep = new java.util.HashSet<>(indexes.keySet());
    if (previous != null) {
      for (String indexKey : codec.decodeList(copy(previous))) {
        if (!keep.contains(indexKey)) {
          links.delete(txn, linkKey(indexKey, key));
        }
      }
    }
    for (Map.Entry<String, Object> e : new java.util.TreeMap<>(indexes).entrySet()) {
      links.put(
          txn, linkKey(e.getKey(), key), new ArrayByteIterable(codec.encodeValue(e.getValue())));
    }
    owned.put(
        txn,
        keyBytes(key),
        new ArrayByteIterable(codec.encodeValue(new java.util.TreeSet<>(indexes.keySet()))));
  }

  /**
   * The values every (project, branch) wrote under one index key of tau's map (for example {@code
   * http/functions/com/example/www/links}), as the current snapshots of those keys define them.
   * Never mixes branches or projects: each key's value is its own.
   */
  public Map<ProjectKey, Object> links(String indexKey) {
    return env.computeInReadonlyTransaction(
        txn -> {
          Map<ProjectKey, Object> out = new java.util.LinkedHashMap<>();
          byte[] prefix = (indexKey + "\0").getBytes(StandardCharsets.UTF_8);
          try (Cursor c = open(txn, LINKS).openCursor(txn)) {
            if (c.getSearchKeyRange(new ArrayByteIterable(prefix)) != null) {
              do {
                byte[] k = copy(c.getKey());
                if (!startsWith(k, prefix)) {
                  break;
                }
                String[] parts =
                    new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8)
                        .split("\0", -1);
                out.put(new ProjectKey(parts[0], parts[1]), codec.decodeValue(copy(c.getValue())));
              } while (c.getNext());
            }
          }
          return out;
        });
  }

  private static ByteIterable linkKey(String indexKey, ProjectKey key) {
    return text(indexKey + "\0" + key.project() + "\0" + key.branch());
  }

  /** Removes snapshots of the key beyond the retained count, oldest first, never the current. */
  private void prune(
      Transaction txn, Store snapshots, Store history, ProjectKey key, String currentRevision) {
    // A publish moves at most one revision past the retained ones, and earlier publishes pruned
    // everything older: reading the newest entries until a few revisions past the limit is
    // enough. The first publish of a key in this process reads its whole history once, so a
    // lowered retainSnapshots (or a crash between writes) is settled too.
    boolean full = fullyPruned.add(key);
    int wanted = full ? Integer.MAX_VALUE : retainSnapshots + PRUNE_WINDOW;
    List<String> newestFirst = new ArrayList<>();
    byte[] prefix = prefix(key);
    try (Cursor c = history.openCursor(txn)) {
      boolean at = seekNewest(c, prefix);
      while (at && newestFirst.size() < wanted) {
        byte[] k = copy(c.getKey());
        if (!startsWith(k, prefix)) {
          break;
        }
        String revision = codec.decodeHistory(copy(c.getValue())).revision();
        if (!newestFirst.contains(revision)) {
          newestFirst.add(revision);
        }
        at = c.getPrev();
      }
    }
    for (int i = retainSnapshots; i < newestFirst.size(); i++) {
      String revision = newestFirst.get(i);
      if (!revision.equals(currentRevision)) {
        snapshots.delete(txn, snapshotKey(key, revision));
      }
    }
  }

  /**
   * Puts the cursor on the newest history entry of the key whose prefix is given (entries are
   * ordered by their big-endian sequence); false when the store has no entry at or before it.
   */
  private static boolean seekNewest(Cursor c, byte[] prefix) {
    byte[] end = java.util.Arrays.copyOf(prefix, prefix.length + 8);
    java.util.Arrays.fill(end, prefix.length, end.length, (byte) 0xFF);
    if (c.getSearchKeyRange(new ArrayByteIterable(end)) != null) {
      return c.getPrev();
    }
    return c.getLast();
  }

  private long nextSequence(Transaction txn, ProjectKey key) {
    Store sequences = open(txn, SEQUENCES);
    ByteIterable last = sequences.get(txn, keyBytes(key));
    long next = last == null ? 1 : Long.parseLong(string(last)) + 1;
    sequences.put(txn, keyBytes(key), text(Long.toString(next)));
    return next;
  }

  @Override
  public Optional<Snapshot> current(ProjectKey key) {
    Snapshot cached = currentCache.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Snapshot> found =
        env.computeInReadonlyTransaction(
            txn -> {
              ByteIterable rev = open(txn, CURRENT).get(txn, keyBytes(key));
              if (rev == null) {
                return Optional.<Snapshot>empty();
              }
              return readSnapshot(txn, key, string(rev));
            });
    found.ifPresent(s -> currentCache.put(key, s));
    return found;
  }

  @Override
  public Optional<Snapshot> snapshot(ProjectKey key, String revision) {
    return env.computeInReadonlyTransaction(txn -> readSnapshot(txn, key, revision));
  }

  private Optional<Snapshot> readSnapshot(Transaction txn, ProjectKey key, String revision) {
    ByteIterable bytes = open(txn, SNAPSHOTS).get(txn, snapshotKey(key, revision));
    return bytes == null ? Optional.empty() : Optional.of(codec.decodeSnapshot(copy(bytes)));
  }

  /**
   * The revisions of the key whose snapshots are stored (the current one and the history kept for
   * rollback), in key order. What is not listed here was pruned and its assets may be collected.
   */
  public List<String> storedRevisions(ProjectKey key) {
    return env.computeInReadonlyTransaction(
        txn -> {
          List<String> out = new ArrayList<>();
          byte[] prefix = prefix(key);
          try (Cursor c = open(txn, SNAPSHOTS).openCursor(txn)) {
            if (c.getSearchKeyRange(new ArrayByteIterable(prefix)) != null) {
              do {
                byte[] k = copy(c.getKey());
                if (!startsWith(k, prefix)) {
                  break;
                }
                out.add(
                    new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8));
              } while (c.getNext());
            }
          }
          return out;
        });
  }

  @Override
  public List<HistoryEntry> history(ProjectKey key, int limit) {
    return env.computeInReadonlyTransaction(
        txn -> readHistory(txn, open(txn, HISTORY), key, limit));
  }

  /** The newest {@code limit} history entries of a key, newest first, read from the newest end. */
  private List<HistoryEntry> readHistory(
      Transaction txn, Store history, ProjectKey key, int limit) {
    List<HistoryEntry> out = new ArrayList<>();
    byte[] prefix = prefix(key);
    try (Cursor c = history.openCursor(txn)) {
      boolean at = seekNewest(c, prefix);
      while (at && out.size() < limit) {
        if (!startsWith(copy(c.getKey()), prefix)) {
          break;
        }
        out.add(codec.decodeHistory(copy(c.getValue())));
        at = c.getPrev();
      }
    }
    return out;
  }

  @Override
  public List<ProjectKey> keys() {
    return env.computeInReadonlyTransaction(
        txn -> {
          List<ProjectKey> keys = new ArrayList<>();
          try (Cursor c = open(txn, CURRENT).openCursor(txn)) {
            while (c.getNext()) {
              String[] parts = string(c.getKey()).split("\0", -1);
              keys.add(new ProjectKey(parts[0], parts[1]));
            }
          }
          return keys;
        });
  }

  @Override
  public void close() {
    env.close();
  }

  private static ByteIterable keyBytes(ProjectKey key) {
    return text(key.project() + "\0" + key.branch());
  }

  private static byte[] prefix(ProjectKey key) {
    return (key.project() + "\0" + key.branch() + "\0").getBytes(StandardCharsets.UTF_8);
  }

  private static ByteIterable snapshotKey(ProjectKey key, String revision) {
    return text(key.project() + "\0" + key.branch() + "\0" + revision);
  }

  private static ByteIterable historyKey(ProjectKey key, long seq) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix(key));
    for (int i = 7; i >= 0; i--) {
      out.write((int) (seq >>> (i * 8)) & 0xFF);
    }
    return new ArrayByteIterable(out.toByteArray());
  }

  private static ByteIterable text(String s) {
    return new ArrayByteIterable(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String string(ByteIterable b) {
    return new String(copy(b), StandardCharsets.UTF_8);
  }

  private static byte[] copy(ByteIterable b) {
    return java.util.Arrays.copyOf(b.getBytesUnsafe(), b.getLength());
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    if (a.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
