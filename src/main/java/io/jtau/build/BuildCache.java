package io.jtau.build;

import io.jtau.model.Cid;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
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
 * Input hash → artifact CID, on Xodus with durable writes, so a restart never rebuilds what was
 * built. Bounded: at most {@code maxEntries} entries, the least recently used (stored or hit)
 * evicted first and reported to the eviction listener (the node unpins the artifact there, so
 * garbage collection may reclaim it unless a kept snapshot still references it — issue #6).
 * Thread-safe; the listener runs on the caller's thread after the eviction is durable.
 */
public final class BuildCache implements AutoCloseable {

  private static final String STORE = "artifacts";
  private static final String USED = "used";
  private static final String CLOCK = "clock";

  private final Environment env;
  private final int maxEntries;
  private final BiConsumer<String, Cid> onEvict;

  /** An unbounded cache (tests and tools). */
  public BuildCache(Path dir) {
    this(dir, Integer.MAX_VALUE, (hash, cid) -> {});
  }

  /**
   * A cache of at most {@code maxEntries} entries.
   *
   * @param onEvict told (input hash, artifact) of every entry evicted
   */
  public BuildCache(Path dir, int maxEntries, BiConsumer<String, Cid> onEvict) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
    this.maxEntries = maxEntries;
    this.onEvict = onEvict;
    this.env =
        Environments.newInstance(dir.toFile(), new EnvironmentConfig().setLogDurableWrite(true));
    env.executeInTransaction(
        txn -> {
          open(txn, STORE);
          open(txn, USED);
          open(txn, CLOCK);
        });
  }

  private Store open(Transaction txn, String name) {
    return env.openStore(name, StoreConfig.WITHOUT_DUPLICATES, txn);
  }

  /** The artifact built for the input hash, marking the entry recently used. */
  public Optional<Cid> get(String inputHash) {
    Optional<Cid> found =
        env.computeInReadonlyTransaction(
            txn -> {
              ByteIterable v = open(txn, STORE).get(txn, key(inputHash));
              return v == null ? Optional.<Cid>empty() : Optional.of(cid(v));
            });
    if (found.isPresent()) {
      env.executeInTransaction(
          txn -> {
            if (open(txn, STORE).get(txn, key(inputHash)) != null) {
              touch(txn, inputHash);
            }
          });
    }
    return found;
  }

  /** Records the artifact of an input hash, evicting the least recently used beyond the bound. */
  public void put(String inputHash, Cid artifact) {
    List<Map.Entry<String, Cid>> evicted = new ArrayList<>();
    env.executeInTransaction(
        txn -> {
          evicted.clear();
          Store artifacts = open(txn, STORE);
          artifacts.put(
              txn,
              key(inputHash),
              new ArrayByteIterable(artifact.value().getBytes(StandardCharsets.UTF_8)));
          touch(txn, inputHash);
          long count = artifacts.count(txn);
          while (count > maxEntries) {
            String oldest = leastRecentlyUsed(txn, inputHash);
            if (oldest == null) {
              break;
            }
            ByteIterable v = artifacts.get(txn, key(oldest));
            if (v != null) {
              evicted.add(Map.entry(oldest, cid(v)));
              artifacts.delete(txn, key(oldest));
            }
            open(txn, USED).delete(txn, key(oldest));
            count = artifacts.count(txn);
          }
        });
    evicted.forEach(e -> onEvict.accept(e.getKey(), e.getValue()));
  }

  /** Number of entries. */
  public long size() {
    return env.computeInReadonlyTransaction(txn -> open(txn, STORE).count(txn));
  }

  private void touch(Transaction txn, String inputHash) {
    Store clock = open(txn, CLOCK);
    ByteIterable last = clock.get(txn, key(""));
    long next = last == null ? 1 : ByteBuffer.wrap(copy(last)).getLong() + 1;
    clock.put(txn, key(""), new ArrayByteIterable(ByteBuffer.allocate(8).putLong(next).array()));
    open(txn, USED)
        .put(
            txn,
            key(inputHash),
            new ArrayByteIterable(ByteBuffer.allocate(8).putLong(next).array()));
  }

  /**
   * The entry used longest ago, other than {@code keep}. Entries stored before use was tracked have
   * no mark and count as oldest. Linear in the (bounded) entry count.
   */
  private String leastRecentlyUsed(Transaction txn, String keep) {
    Store used = open(txn, USED);
    String oldest = null;
    long oldestMark = Long.MAX_VALUE;
    try (Cursor c = open(txn, STORE).openCursor(txn)) {
      while (c.getNext()) {
        String hash = new String(copy(c.getKey()), StandardCharsets.UTF_8);
        if (hash.equals(keep)) {
          continue;
        }
        ByteIterable m = used.get(txn, c.getKey());
        long mark = m == null ? 0 : ByteBuffer.wrap(copy(m)).getLong();
        if (mark < oldestMark) {
          oldestMark = mark;
          oldest = hash;
        }
      }
    }
    return oldest;
  }

  private static Cid cid(ByteIterable v) {
    return new Cid(new String(v.getBytesUnsafe(), 0, v.getLength(), StandardCharsets.UTF_8));
  }

  private static byte[] copy(ByteIterable b) {
    return java.util.Arrays.copyOf(b.getBytesUnsafe(), b.getLength());
  }

  private static ByteIterable key(String inputHash) {
    return new ArrayByteIterable(inputHash.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    env.close();
  }
}
