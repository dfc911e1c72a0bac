package io.jtau.runtime.kv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.ExodusException;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

/**
 * Every key/value database of a node in one Xodus environment with durable writes (an fsync per
 * commit). Each database instance ({@link DatabaseId}) is one Xodus store named by an opaque hash;
 * a catalog store records its quota and the bytes it uses.
 *
 * <p><b>Owner index.</b> Because store names are hashes, a second store ({@code owners}) maps each
 * database to its {@link DatabaseId#owner()}: key = length-delimited owner then the store name. It
 * is written in the same transaction as the catalog entry (configure) and removed in the same
 * transaction as the database (drop), so {@link #owners()} and {@link #dropOwner} never disagree
 * with the catalog. A database created before the index existed is indexed the next time it is
 * {@link #open opened}; until then it cannot be found by owner (its name is a one-way hash).
 *
 * <p><b>Layout of a database store.</b> User keys are opaque bytes stored under a tag byte {@code
 * 0x00}; each has a size entry under tag {@code 0x01} holding the decimal length of its value
 * (tau's {@code size/<key>} bookkeeping, guest-abi §5.1, in production form: never listed and
 * unable to collide with a user key, whatever its bytes).
 *
 * <p><b>Quota.</b> A database's used bytes are the sum of {@code len(key) + len(value)} over its
 * user entries; a put that would take it over the quota is refused with {@link
 * DatabaseFullException} and writes nothing. Puts that shrink or keep the usage always succeed.
 *
 * <p><b>Group commit (leader/follower).</b> Writes (put, delete, configure, drop) join one bounded
 * queue. A writer that finds no commit in progress becomes the leader: on its own thread it takes
 * its write and whatever else is queued (up to {@link Settings#maxBatch()}) and applies them in one
 * transaction (one fsync). Writers arriving meanwhile queue and park; when the leader's commit is
 * durable it wakes the writers of that batch; while writes are still queued it commits up to 8 more
 * batches itself, then wakes the writer of the oldest queued write, which leads next. A lone writer
 * therefore commits without any thread hand-off; under load one fsync still covers every write that
 * queued during the previous one, and the disk is not left idle between commits. Each caller
 * returns only after the transaction holding its write is durable (Xodus {@code log.durableWrite}:
 * the log is fsync'd before the commit returns). A write refused for its own reason (quota, size
 * limits) does not affect the others of its batch. Reads run concurrently in read-only snapshots
 * and never wait for writers.
 *
 * <p>A leader commits on the caller's thread, so an interrupt must not reach Xodus' file channel
 * mid-fsync: the leader clears its interrupt status while committing and restores it afterwards,
 * and the JVM needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (as {@code tau} and the
 * tests run it) for Xodus to make its channel's {@code force} uninterruptible.
 *
 * <p>Thread-safe. Writes block until durable or until {@link Settings#writeTimeout()}; a write
 * still queued when its caller times out or is interrupted is withdrawn and never applied.
 */
public final class KvStore implements AutoCloseable {

  /** Longest key, in bytes. */
  public static final int MAX_KEY_BYTES = 4096;

  /** Largest value, in bytes. */
  public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;

  private static final byte TAG_VALUE = 0;
  private static final byte TAG_SIZE = 1;

  /**
   * Tuning of the store.
   *
   * @param maxBatch most writes committed in one transaction
   * @param queueCapacity most writes waiting for a commit; a writer waits up to {@code
   *     writeTimeout} for room, then is refused as busy
   * @param writeTimeout how long a writer waits in all, for room in the queue and for its commit
   */
  public record Settings(int maxBatch, int queueCapacity, Duration writeTimeout) {
    public Settings {
      if (maxBatch < 1 || queueCapacity < 1) {
        throw new IllegalArgumentException("maxBatch and queueCapacity must be positive");
      }
    }

    public static Settings defaults() {
      return new Settings(256, 10_000, Duration.ofSeconds(30));
    }
  }

  /** What a database holds: its quota, the bytes its entries use and how many keys it has. */
  public record Usage(long quotaBytes, long usedBytes, long keys) {}

  private final Path dir;
  private final Settings settings;
  private final Environment env;
  private final Store catalog;
  private final Store owners;
  private final Map<String, Store> stores = new ConcurrentHashMap<>();
  private final BlockingQueue<Op> queue;

  /** Held by the leader while it commits (and by {@link #close} while it finishes the queue). */
  private final ReentrantLock commitLock = new ReentrantLock();

  /** The leader's batch, reused; guarded by {@link #commitLock}. */
  private final List<Op> batch = new ArrayList<>();

  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong committedWrites = new AtomicLong();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed;

  /** Set once the environment is closed; a leader that sees it fails what is still queued. */
  private volatile boolean terminated;

  /** Opens (creating if needed) the environment in {@code dir}. */
  public KvStore(Path dir, Settings settings) throws IOException {
    this(dir, settings, TREE_PAGE_SIZE);
  }

  /**
   * B-tree page size (entries) of the environment. Every commit rewrites, copy on write, the pages
   * from each touched leaf to its root, in the database's store, the catalog and Xodus' own tree;
   * Xodus' default of 128 made a 3-byte put write ~2.2 KB to the log and spend most of its CPU
   * copying page bytes. 32 halves the bytes per commit and cuts the CPU per put by about a third
   * (measured on tmpfs, where the fsync costs nothing) at the price of one more tree level per ~4x
   * keys for reads. Pages written with another size stay valid; Xodus splits them as they change.
   */
  static final int TREE_PAGE_SIZE = 32;

  /** As {@link #KvStore(Path, Settings)} with the given B-tree page size; for tests. */
  KvStore(Path dir, Settings settings, int treePageSize) throws IOException {
    this.dir = dir.toAbsolutePath();
    this.settings = settings;
    Files.createDirectories(dir);
    try {
      this.env =
          Environments.newInstance(
              dir.toFile(),
              new EnvironmentConfig()
                  .setLogDurableWrite(true)
                  .setEnvCloseForcedly(true)
                  .setTreeMaxPageSize(treePageSize));
      Store[] opened =
          env.computeInTransaction(
              txn ->
                  new Store[] {
                    env.openStore("catalog", StoreConfig.WITHOUT_DUPLICATES, txn),
                    env.openStore("owners", StoreConfig.WITHOUT_DUPLICATES, txn)
                  });
      this.catalog = opened[0];
      this.owners = opened[1];
    } catch (ExodusException e) {
      throw new IOException("key/value store " + this.dir + ": cannot open: " + e.getMessage(), e);
    }
    this.queue = new LinkedBlockingQueue<>(settings.queueCapacity());
  }

  /**
   * Opens the database, creating it with the quota if new and updating its quota if it changed.
   * Durable when it returns; idempotent.
   */
  public KvDatabase open(DatabaseId id, long quotaBytes) throws IOException {
    if (quotaBytes < 0) {
      throw new IllegalArgumentException("quota must not be negative: " + quotaBytes);
    }
    String name = id.storeName();
    byte[] indexKey = ownerKey(id.owner(), name);
    long[] entry = read(txn -> catalogEntry(txn, name));
    // A database created before the owner index existed gets indexed here, on its first open.
    if (entry == null
        || entry[0] != quotaBytes
        || !read(txn -> owners.get(txn, new ArrayByteIterable(indexKey)) != null)) {
      submit(new Configure(id, quotaBytes));
    }
    return new KvDatabase(this, id);
  }

  /** Whether the database exists. */
  public boolean exists(DatabaseId id) {
    return read(txn -> catalogEntry(txn, id.storeName())) != null;
  }

  /** Deletes the database and its data. Durable when it returns; idempotent. */
  public void drop(DatabaseId id) throws IOException {
    submit(new Drop(id));
  }

  /**
   * Deletes every database of {@code owner} (as recorded in the owner index) with its data, in one
   * transaction. Durable when it returns; idempotent. Databases of other owners are untouched, even
   * when one owner is a prefix of another.
   *
   * @return how many databases were dropped
   */
  public int dropOwner(String owner) throws IOException {
    DropOwner op = new DropOwner(owner);
    submit(op);
    return op.dropped;
  }

  /** The distinct owners of the databases in the owner index, sorted. */
  public List<String> owners() {
    return read(
        txn -> {
          java.util.TreeSet<String> out = new java.util.TreeSet<>();
          try (Cursor c = owners.openCursor(txn)) {
            while (c.getNext()) {
              ByteBuffer b = ByteBuffer.wrap(copy(c.getKey()));
              byte[] o = new byte[b.getInt()];
              b.get(o);
              out.add(new String(o, StandardCharsets.UTF_8));
            }
          }
          return List.copyOf(out);
        });
  }

  /** Number of write transactions committed (each holds one or more writes). */
  public long commits() {
    return commits.get();
  }

  /** Number of writes those transactions held. */
  public long committedWrites() {
    return committedWrites.get();
  }

  /**
   * Test seam: takes the commit lock as a leader in the middle of a commit holds it, so that tests
   * can queue writes behind it deterministically. The returned action, run on the same thread, lets
   * go and wakes the next leader.
   */
  Runnable holdCommits() {
    commitLock.lock();
    return () -> {
      commitLock.unlock();
      wakeNextLeader();
    };
  }

  /** Whether a leader (or {@link #close}) holds the commit lock; for tests. */
  boolean commitInProgress() {
    return commitLock.isLocked();
  }

  /** Writes waiting in the queue (not yet taken by a leader). */
  int queuedWrites() {
    return queue.size();
  }

  /** The folder of the environment. */
  public Path dir() {
    return dir;
  }

  // ---- operations used by KvDatabase

  byte[] get(DatabaseId id, byte[] key) throws IOException {
    checkKey(key);
    return readStore(
        id,
        (txn, store) -> {
          ByteIterable v = store.get(txn, tagged(TAG_VALUE, key));
          return v == null ? null : copy(v);
        });
  }

  List<byte[]> list(DatabaseId id, byte[] prefix, int limit) throws IOException {
    checkKey(prefix);
    return readStore(
        id,
        (txn, store) -> {
          List<byte[]> out = new ArrayList<>();
          byte[] from = tagged(TAG_VALUE, prefix).getBytesUnsafe();
          try (Cursor c = store.openCursor(txn)) {
            if (c.getSearchKeyRange(new ArrayByteIterable(from)) == null) {
              return out;
            }
            do {
              byte[] k = copy(c.getKey());
              if (!startsWith(k, from)) {
                break;
              }
              out.add(Arrays.copyOfRange(k, 1, k.length));
            } while (out.size() < limit && c.getNext());
          }
          return out;
        });
  }

  Usage usage(DatabaseId id) throws IOException {
    long[] e = read(txn -> catalogEntry(txn, id.storeName()));
    if (e == null) {
      throw new IOException("database " + id + " does not exist");
    }
    return new Usage(e[0], e[1], e[2]);
  }

  void put(DatabaseId id, byte[] key, byte[] value) throws IOException {
    checkKey(key);
    if (value.length > MAX_VALUE_BYTES) {
      throw new IOException(
          "value of " + value.length + " bytes is over the limit of " + MAX_VALUE_BYTES);
    }
    submit(new Put(id, key.clone(), value.clone()));
  }

  void delete(DatabaseId id, byte[] key) throws IOException {
    checkKey(key);
    submit(new Delete(id, key.clone()));
  }

  // ---- reads

  @FunctionalInterface
  private interface StoreRead<T> {
    T apply(Transaction txn, Store store);
  }

  private <T> T read(java.util.function.Function<Transaction, T> body) {
    return env.computeInReadonlyTransaction(body::apply);
  }

  private <T> T readStore(DatabaseId id, StoreRead<T> body) throws IOException {
    String name = id.storeName();
    try {
      return env.computeInReadonlyTransaction(
          txn -> {
            if (catalogEntry(txn, name) == null) {
              return null;
            }
            Store s = stores.get(name);
            if (s == null) {
              s = env.openStore(name, StoreConfig.WITHOUT_DUPLICATES, txn, false);
              if (s == null) {
                return null;
              }
              stores.put(name, s);
            }
            return body.apply(txn, s);
          });
    } catch (ExodusException e) {
      throw new IOException("database " + id + ": read failed: " + e.getMessage(), e);
    }
  }

  private long[] catalogEntry(Transaction txn, String name) {
    ByteIterable v = catalog.get(txn, utf8(name));
    if (v == null) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(copy(v));
    return new long[] {b.getLong(), b.getLong(), b.getLong()};
  }

  private void writeCatalog(Transaction txn, String name, long quota, long used, long keys) {
    catalog.put(
        txn,
        utf8(name),
        new ArrayByteIterable(
            ByteBuffer.allocate(24).putLong(quota).putLong(used).putLong(keys).array()));
  }

  // ---- writes

  /** Outcome of a write that was applied and is durable. */
  private static final Object DURABLE = new Object();

  private abstract static class Op {
    /** The writer, parked until {@link #outcome} is set or it is woken to lead. */
    final Thread waiter = Thread.currentThread();

    /** Null while pending, then {@link #DURABLE} or the {@link IOException} refusing the write. */
    volatile Object outcome;

    /** Applies the write; a checked exception refuses this write only, before it wrote anything. */
    abstract void apply(KvStore kv, Transaction txn) throws IOException;

    /** Records the outcome and wakes the writer (unless it is the calling thread). */
    final void finish(Object result) {
      outcome = result;
      if (waiter != Thread.currentThread()) {
        LockSupport.unpark(waiter);
      }
    }
  }

  private void submit(Op op) throws IOException {
    if (closed) {
      throw new IOException("key/value store is closed");
    }
    long timeoutNanos = settings.writeTimeout().toNanos();
    long deadline = System.nanoTime() + timeoutNanos;
    try {
      if (!queue.offer(op, timeoutNanos, TimeUnit.NANOSECONDS)) {
        throw new IOException("key/value store is busy: " + queue.size() + " writes waiting");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a durable write", e);
    }
    boolean interrupted = false;
    try {
      while (op.outcome == null) {
        if (commitLock.tryLock()) {
          try {
            lead(op);
          } finally {
            commitLock.unlock();
          }
          wakeNextLeader();
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          withdraw(op);
          throw new IOException(
              "write not durable within " + settings.writeTimeout().toMillis() + " ms");
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          if (withdraw(op)) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a durable write");
          }
          // Already in a batch being committed: its outcome comes within one commit.
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (op.outcome instanceof IOException refused) {
      throw refused;
    }
  }

  /**
   * Takes {@code op} back out of the queue if no leader has taken it yet (it is then never applied)
   * and, since it may have been the oldest, wakes the next leader. Whether it was withdrawn.
   */
  private boolean withdraw(Op op) {
    boolean removed = queue.remove(op);
    if (removed) {
      wakeNextLeader();
    }
    return removed;
  }

  /**
   * Wakes the writer of the oldest queued write to lead the next commit, unless a leader holds the
   * lock (it calls this again when it lets go). An extra wake-up is harmless: the woken writer only
   * tries the lock and parks again.
   */
  private void wakeNextLeader() {
    Op head = queue.peek();
    if (head != null && !commitLock.isLocked()) {
      LockSupport.unpark(head.waiter);
    }
  }

  /**
   * Most batches a leader commits for others after its own write is durable, while writes are still
   * queued. Under load the writers of a finished batch queue their next writes within microseconds;
   * a leader that carries on commits them at once, where handing off would leave the log idle until
   * the next leader's thread is scheduled and then commit only what queued meanwhile (with a
   * hand-off after every batch, 16 writers on tmpfs averaged 1.7 writes per commit instead of 12.6,
   * on a busy 2-core machine). It delays only this caller, by at most this many commits.
   */
  private static final int EXTRA_BATCHES = 8;

  /**
   * Commits batches from the queue until {@code own} has its outcome, then up to {@link
   * #EXTRA_BATCHES} more while writes are queued. Holds {@link #commitLock}. The caller's interrupt
   * status is cleared while committing and restored afterwards.
   */
  private void lead(Op own) {
    boolean interrupted = Thread.interrupted();
    int extra = 0;
    try {
      while (own.outcome == null || (extra++ < EXTRA_BATCHES && !queue.isEmpty())) {
        batch.clear();
        queue.drainTo(batch, settings.maxBatch());
        if (batch.isEmpty()) {
          if (own.outcome == null) {
            // Cannot happen: a pending write stays queued until a leader finishes it under the
            // lock. Refuse it rather than spin.
            own.finish(new IOException("key/value store lost a queued write"));
          }
        } else if (terminated) {
          failAll(batch, new IOException("key/value store is closed"));
        } else {
          commit(batch);
        }
      }
    } finally {
      batch.clear();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void failAll(List<Op> ops, IOException failure) {
    for (Op op : ops) {
      op.finish(failure);
    }
  }

  private Store storeForWrite(Transaction txn, String name, boolean create) {
    Store s = stores.get(name);
    if (s == null) {
      s = env.openStore(name, StoreConfig.WITHOUT_DUPLICATES, txn, create);
    }
    return s;
  }

  private final class Configure extends Op {
    private final DatabaseId id;
    private final long quota;

    Configure(DatabaseId id, long quota) {
      this.id = id;
      this.quota = quota;
    }

    @Override
    void apply(KvStore kv, Transaction txn) {
      String name = id.storeName();
      long[] e = catalogEntry(txn, name);
      storeForWrite(txn, name, true);
      writeCatalog(txn, name, quota, e == null ? 0 : e[1], e == null ? 0 : e[2]);
      owners.put(
          txn,
          new ArrayByteIterable(ownerKey(id.owner(), name)),
          new ArrayByteIterable(new byte[0]));
    }
  }

  private final class DropOwner extends Op {
    private final byte[] prefix;
    private int dropped;

    DropOwner(String owner) {
      this.prefix = ownerKey(owner, "");
    }

    @Override
    void apply(KvStore kv, Transaction txn) {
      List<byte[]> keys = new ArrayList<>();
      try (Cursor c = owners.openCursor(txn)) {
        if (c.getSearchKeyRange(new ArrayByteIterable(prefix)) != null) {
          do {
            byte[] k = copy(c.getKey());
            if (!startsWith(k, prefix)) {
              break;
            }
            keys.add(k);
          } while (c.getNext());
        }
      }
      dropped = 0;
      for (byte[] k : keys) {
        String name =
            new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8);
        owners.delete(txn, new ArrayByteIterable(k));
        if (removeDatabase(txn, name)) {
          dropped++;
        }
      }
    }
  }

  /** Removes a database's catalog entry and store; whether it existed. */
  private boolean removeDatabase(Transaction txn, String name) {
    boolean existed = catalogEntry(txn, name) != null;
    catalog.delete(txn, utf8(name));
    if (env.storeExists(name, txn)) {
      env.removeStore(name, txn);
    }
    stores.remove(name);
    return existed;
  }

  /**
   * Owner index key: the owner's UTF-8 bytes, length first (no owner prefixes another), then the
   * store name.
   */
  private static byte[] ownerKey(String owner, String storeName) {
    byte[] o = owner.getBytes(StandardCharsets.UTF_8);
    byte[] n = storeName.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + o.length + n.length).putInt(o.length).put(o).put(n).array();
  }

  private final class Drop extends Op {
    private final DatabaseId id;

    Drop(DatabaseId id) {
      this.id = id;
    }

    @Override
    void apply(KvStore kv, Transaction txn) {
      String name = id.storeName();
      owners.delete(txn, new ArrayByteIterable(ownerKey(id.owner(), name)));
      if (catalogEntry(txn, name) == null) {
        return;
      }
      removeDatabase(txn, name);
    }
  }

  private final class Put extends Op {
    private final DatabaseId id;
    private final byte[] key;
    private final byte[] value;

    Put(DatabaseId id, byte[] key, byte[] value) {
      this.id = id;
      this.key = key;
      this.value = value;
    }

    @Override
    void apply(KvStore kv, Transaction txn) throws IOException {
      String name = id.storeName();
      long[] e = catalogEntry(txn, name);
      if (e == null) {
        throw new IOException("database " + id + " does not exist");
      }
      Store s = storeForWrite(txn, name, false);
      if (s == null) {
        throw new IOException("database " + id + " has no store");
      }
      ArrayByteIterable k = tagged(TAG_VALUE, key);
      ByteIterable old = s.get(txn, k);
      long before = old == null ? 0 : key.length + (long) old.getLength();
      long after = key.length + (long) value.length;
      long delta = after - before;
      if (delta > 0 && e[1] + delta > e[0]) {
        throw new DatabaseFullException(id.toString(), e[0], e[1], delta);
      }
      s.put(txn, k, new ArrayByteIterable(value));
      s.put(txn, tagged(TAG_SIZE, key), utf8(Integer.toString(value.length)));
      writeCatalog(txn, name, e[0], e[1] + delta, e[2] + (old == null ? 1 : 0));
    }
  }

  private final class Delete extends Op {
    private final DatabaseId id;
    private final byte[] key;

    Delete(DatabaseId id, byte[] key) {
      this.id = id;
      this.key = key;
    }

    @Override
    void apply(KvStore kv, Transaction txn) throws IOException {
      String name = id.storeName();
      long[] e = catalogEntry(txn, name);
      if (e == null) {
        throw new IOException("database " + id + " does not exist");
      }
      Store s = storeForWrite(txn, name, false);
      if (s == null) {
        return;
      }
      ArrayByteIterable k = tagged(TAG_VALUE, key);
      ByteIterable old = s.get(txn, k);
      if (old == null) {
        return;
      }
      s.delete(txn, k);
      s.delete(txn, tagged(TAG_SIZE, key));
      writeCatalog(txn, name, e[0], e[1] - key.length - old.getLength(), e[2] - 1);
    }
  }

  /** Applies {@code ops} in one transaction and records each one's outcome. Holds the lock. */
  private void commit(List<Op> ops) {
    IOException[] refused = new IOException[ops.size()];
    try {
      env.executeInTransaction(
          txn -> {
            Arrays.fill(refused, null);
            for (int i = 0; i < ops.size(); i++) {
              try {
                ops.get(i).apply(this, txn);
              } catch (IOException e) {
                refused[i] = e;
              }
            }
          });
    } catch (RuntimeException | Error e) {
      failAll(ops, new IOException("key/value commit failed: " + e.getMessage(), e));
      if (e instanceof Error err) {
        throw err;
      }
      return;
    }
    commits.incrementAndGet();
    committedWrites.addAndGet(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      ops.get(i).finish(refused[i] == null ? DURABLE : refused[i]);
    }
  }

  /**
   * Waits for a commit in progress, commits the writes already queued, then closes the environment;
   * later writes are refused. Idempotent. If the commit in progress does not finish within {@link
   * Settings#writeTimeout()}, the environment is closed under it and its writes fail.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    boolean locked = false;
    try {
      locked = commitLock.tryLock(settings.writeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Op> rest = new ArrayList<>();
    try {
      if (locked) {
        while (true) {
          rest.clear();
          queue.drainTo(rest, settings.maxBatch());
          if (rest.isEmpty()) {
            break;
          }
          commit(rest);
        }
      }
      terminated = true;
      if (env.isOpen()) {
        env.close();
      }
    } finally {
      if (locked) {
        commitLock.unlock();
      }
    }
    // Writers that queued after the last batch (they passed the closed check just before it).
    rest.clear();
    queue.drainTo(rest);
    failAll(rest, new IOException("key/value store is closed"));
    wakeNextLeader();
  }

  private static void checkKey(byte[] key) throws IOException {
    if (key.length > MAX_KEY_BYTES) {
      throw new IOException(
          "key of " + key.length + " bytes is over the limit of " + MAX_KEY_BYTES);
    }
  }

  private static ArrayByteIterable tagged(byte tag, byte[] key) {
    byte[] b = new byte[key.length + 1];
    b[0] = tag;
    System.arraycopy(key, 0, b, 1, key.length);
    return new ArrayByteIterable(b);
  }

  private static boolean startsWith(byte[] k, byte[] prefix) {
    if (k.length < prefix.length) {
      return false;
    }
    return Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static ArrayByteIterable utf8(String s) {
    return new ArrayByteIterable(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] copy(ByteIterable it) {
    return Arrays.copyOf(it.getBytesUnsafe(), it.getLength());
  }
}
