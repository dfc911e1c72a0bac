package io.jtau.registry;

import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.model.Snapshot;
import io.jtau.port.Registry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The registry on Xodus with durable writes. A snapshot, its history entry and the {@code current}
 * pointer are written in one transaction, so after a crash either all of them are visible or none.
 * Keeps at most {@code retainSnapshots} snapshots per key (the current one is never removed).
 * Thread-safe; current snapshots are cached in memory after the first read.
 */
public final class XodusRegistry implements Registry, AutoCloseable {

  private static final String SNAPSHOTS = "snapshots";
  private static final String CURRENT = "current";
  private static final String HISTORY = "history";
  private static final String SEQUENCES = "sequences";

  private final Environment env;
  private final SnapshotCodec codec = new SnapshotCodec();
  private final int retainSnapshots;
  private final Map<ProjectKey, Snapshot> currentCache = new ConcurrentHashMap<>();

  public XodusRegistry(Path dir, int retainSnapshots) {
    if (retainSnapshots < 1) {
      throw new IllegalArgumentException("retainSnapshots must be at least 1");
    }
    this.retainSnapshots = retainSnapshots;
    EnvironmentConfig cfg = new EnvironmentConfig().setLogDurableWrite(true);
    this.env = Environments.newInstance(dir.toFile(), cfg);
    env.executeInTransaction(
        txn -> {
          open(txn, SNAPSHOTS);
          open(txn, CURRENT);
          open(txn, HISTORY);
          open(txn, SEQUENCES);
        });
  }

  private Store open(Transaction txn, String name) {
    return env.openStore(name, StoreConfig.WITHOUT_DUPLICATES, txn);
  }

  @Override
  public void publish(Snapshot snapshot) {
    ProjectKey key = snapshot.key();
    byte[] encoded = codec.encode(snapshot);
    env.executeInExclusiveTransaction(
        txn -> {
          Store snapshots = open(txn, SNAPSHOTS);
          Store current = open(txn, CURRENT);
          Store history = open(txn, HISTORY);
          ByteIterable snapKey = snapshotKey(key, snapshot.revision());
          if (snapshots.get(txn, snapKey) == null) {
            snapshots.put(txn, snapKey, new ArrayByteIterable(encoded));
          }
          current.put(txn, keyBytes(key), text(snapshot.revision()));
          long seq = nextSequence(txn, key);
          HistoryEntry entry =
              new HistoryEntry(
                  seq,
                  snapshot.revision(),
                  snapshot.configCommit(),
                  snapshot.codeCommit(),
                  snapshot.createdAtMillis());
          history.put(txn, historyKey(key, seq), new ArrayByteIterable(codec.encode(entry)));
          prune(txn, snapshots, history, key, snapshot.revision());
        });
    currentCache.put(key, snapshot);
  }

  /** Removes snapshots of the key beyond the retained count, oldest first, never the current. */
  private void prune(
      Transaction txn, Store snapshots, Store history, ProjectKey key, String currentRevision) {
    List<String> newestFirst = new ArrayList<>();
    for (HistoryEntry e : readHistory(txn, history, key, Integer.MAX_VALUE)) {
      if (!newestFirst.contains(e.revision())) {
        newestFirst.add(e.revision());
      }
    }
    for (int i = retainSnapshots; i < newestFirst.size(); i++) {
      String revision = newestFirst.get(i);
      if (!revision.equals(currentRevision)) {
        snapshots.delete(txn, snapshotKey(key, revision));
      }
    }
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

  @Override
  public List<HistoryEntry> history(ProjectKey key, int limit) {
    return env.computeInReadonlyTransaction(
        txn -> readHistory(txn, open(txn, HISTORY), key, limit));
  }

  private List<HistoryEntry> readHistory(
      Transaction txn, Store history, ProjectKey key, int limit) {
    List<HistoryEntry> all = new ArrayList<>();
    byte[] prefix = prefix(key);
    try (Cursor c = history.openCursor(txn)) {
      if (c.getSearchKeyRange(new ArrayByteIterable(prefix)) != null) {
        do {
          if (!startsWith(copy(c.getKey()), prefix)) {
            break;
          }
          all.add(codec.decodeHistory(copy(c.getValue())));
        } while (c.getNext());
      }
    }
    java.util.Collections.reverse(all);
    return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
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
