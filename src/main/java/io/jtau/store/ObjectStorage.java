package io.jtau.store;

import io.jtau.model.Cid;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
 * Object storage for tau {@code storages} of the object kind: per-project buckets keyed by {@code
 * (projectId, storageId)} holding named objects, optionally versioned, under a size quota.
 *
 * <p>Object content lives in a {@link FileContentStore}, pinned by the object version that uses it
 * (owner {@code storage:<project>/<storage>#<id>}). Metadata lives in its own Xodus environment
 * with durable writes; a put is acknowledged only after the content is durable, pinned, and the
 * metadata committed.
 *
 * <p><b>Isolation.</b> Names are opaque: they are never joined into file system paths, and every
 * key is prefixed with the length-delimited project and storage ids, so no name, however hostile
 * ({@code ../}, {@code %2e}, NUL, long), reaches another project's or storage's objects.
 *
 * <p><b>Versions</b> are numbered from 1 and never go down while a name exists. With versioning
 * enabled every put adds a version; without it a put replaces the object (older versions are
 * removed). {@link #delete} removes a name with all its versions; a later put starts again at 1.
 *
 * <p>Thread-safe; concurrent puts to one storage are serialised by the index transaction, and the
 * quota is checked both while reading the content and again at commit.
 */
public final class ObjectStorage implements AutoCloseable {

  /** Longest object name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 1024;

  /** Longest project or storage id, in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 256;

  private final FileContentStore content;
  private final Clock clock;
  private final Environment env;
  private final Store buckets;
  private final Store latest;
  private final Store versions;
  private final Store meta;
  private final String name;

  /** How a storage behaves. {@code quotaBytes} bounds the sum of all stored versions' sizes. */
  public record BucketConfig(boolean versioning, long quotaBytes) {
    public BucketConfig {
      if (quotaBytes < 0) {
        throw new IllegalArgumentException("quota must not be negative: " + quotaBytes);
      }
    }
  }

  /** One stored version of an object. */
  public record ObjectInfo(String name, long version, Cid cid, long size, Instant created) {}

  /**
   * Opens (creating if needed) the metadata under {@code indexDir}; content goes to {@code
   * content}.
   */
  public ObjectStorage(Path indexDir, FileContentStore content) throws IOException {
    this(indexDir, content, Clock.systemUTC());
  }

  ObjectStorage(Path indexDir, FileContentStore content, Clock clock) throws IOException {
    this.content = content;
    this.clock = clock;
    this.name = "object storage " + indexDir.toAbsolutePath();
    Files.createDirectories(indexDir);
    try {
      this.env =
          Environments.newInstance(
              indexDir.toFile(), new EnvironmentConfig().setLogDurableWrite(true));
      Store[] s =
          env.computeInTransaction(
              txn ->
                  new Store[] {
                    env.openStore("buckets", StoreConfig.WITHOUT_DUPLICATES, txn),
                    env.openStore("latest", StoreConfig.WITHOUT_DUPLICATES, txn),
                    env.openStore("versions", StoreConfig.WITHOUT_DUPLICATES, txn),
                    env.openStore("meta", StoreConfig.WITHOUT_DUPLICATES, txn)
                  });
      this.buckets = s[0];
      this.latest = s[1];
      this.versions = s[2];
      this.meta = s[3];
    } catch (ExodusException e) {
      throw new IOException(name + ": cannot open index: " + e.getMessage(), e);
    }
  }

  /** Creates or reconfigures a storage. Idempotent; durable when it returns. */
  public void configure(String projectId, String storageId, BucketConfig config)
      throws IOException {
    byte[] bucket = bucketKey(projectId, storageId);
    write(
        txn -> {
          Bucket old = readBucket(txn, bucket);
          long used = old == null ? 0 : old.used;
          buckets.put(
              txn,
              bytes(bucket),
              bytes(new Bucket(config.versioning(), config.quotaBytes(), used).encode()));
          return null;
        });
  }

  /** The storage's configuration, if it exists. */
  public Optional<BucketConfig> config(String projectId, String storageId) {
    byte[] bucket = bucketKey(projectId, storageId);
    Bucket b = env.computeInReadonlyTransaction(txn -> readBucket(txn, bucket));
    return b == null ? Optional.empty() : Optional.of(new BucketConfig(b.versioning, b.quota));
  }

  /** Bytes used by all stored versions in the storage (0 if it does not exist). */
  public long used(String projectId, String storageId) {
    byte[] bucket = bucketKey(projectId, storageId);
    Bucket b = env.computeInReadonlyTransaction(txn -> readBucket(txn, bucket));
    return b == null ? 0 : b.used;
  }

  /**
   * Stores {@code data} under {@code objectName}; durable when it returns.
   *
   * @throws StorageQuotaExceededException when it does not fit; nothing is recorded
   * @throws FileNotFoundException when the storage is not configured
   */
  public ObjectInfo put(String projectId, String storageId, String objectName, InputStream data)
      throws IOException {
    byte[] bucket = bucketKey(projectId, storageId);
    byte[] nameBytes = nameBytes(objectName);
    String storage = projectId + "/" + storageId;
    Bucket before = env.computeInReadonlyTransaction(txn -> readBucket(txn, bucket));
    if (before == null) {
      throw new FileNotFoundException(name + ": storage " + storage + " is not configured");
    }
    long replaced =
        before.versioning
            ? 0
            : env.computeInReadonlyTransaction(txn -> sizeOfAllVersions(txn, bucket, nameBytes));
    long allowed = before.quota - before.used + replaced;
    CountingStream counted = new CountingStream(data, allowed, storage, before);
    Cid cid = content.put(counted);
    long size = counted.count;
    long objectId = write(txn -> nextObjectId(txn));
    String owner = "storage:" + storage + "#" + objectId;
    content.pin(cid, owner);
    long now = clock.millis();
    List<String> dropped = new ArrayList<>();
    long version;
    try {
      version =
          write(
              txn -> {
                dropped.clear(); // the transaction may run again after a conflict
                Bucket b = readBucket(txn, bucket);
                if (b == null) {
                  throw new Refused(
                      new FileNotFoundException(name + ": storage " + storage + " was removed"));
                }
                long top = latestVersion(txn, bucket, nameBytes);
                long freed = 0;
                if (!b.versioning) {
                  for (Version old : versionsOf(txn, bucket, nameBytes)) {
                    versions.delete(txn, bytes(versionKey(bucket, nameBytes, old.version)));
                    freed += old.size;
                    dropped.add(old.owner(storage));
                  }
                }
                long newUsed = b.used - freed + size;
                if (newUsed > b.quota) {
                  throw new Refused(
                      new StorageQuotaExceededException(
                          storage, b.quota, b.used, "this object needs " + size + " bytes"));
                }
                long v = top + 1;
                Version rec = new Version(v, size, now, objectId, Cids.toBytes(cid));
                versions.put(txn, bytes(versionKey(bucket, nameBytes, v)), bytes(rec.encode()));
                latest.put(txn, bytes(concat(bucket, nameBytes)), bytes(longBytes(v)));
                buckets.put(
                    txn, bytes(bucket), bytes(new Bucket(b.versioning, b.quota, newUsed).encode()));
                return v;
              });
    } catch (IOException | RuntimeException e) {
      content.unpin(cid, owner);
      throw e;
    }
    unpinAll(dropped);
    return new ObjectInfo(objectName, version, cid, size, Instant.ofEpochMilli(now));
  }

  /** The latest version's information. */
  public Optional<ObjectInfo> stat(String projectId, String storageId, String objectName) {
    byte[] bucket = bucketKey(projectId, storageId);
    byte[] nameBytes = nameBytes(objectName);
    return env.computeInReadonlyTransaction(
        txn -> {
          long top = latestVersion(txn, bucket, nameBytes);
          return top == 0 ? Optional.empty() : readVersion(txn, bucket, nameBytes, objectName, top);
        });
  }

  /** One version's information. */
  public Optional<ObjectInfo> stat(
      String projectId, String storageId, String objectName, long version) {
    byte[] bucket = bucketKey(projectId, storageId);
    byte[] nameBytes = nameBytes(objectName);
    return env.computeInReadonlyTransaction(
        txn -> readVersion(txn, bucket, nameBytes, objectName, version));
  }

  /**
   * Opens the latest version's verified content.
   *
   * @throws FileNotFoundException when there is no such object
   */
  public InputStream get(String projectId, String storageId, String objectName) throws IOException {
    ObjectInfo info =
        stat(projectId, storageId, objectName)
            .orElseThrow(() -> notFound(projectId, storageId, objectName));
    return content.open(info.cid());
  }

  /**
   * Opens one version's verified content.
   *
   * @throws FileNotFoundException when there is no such version
   */
  public InputStream get(String projectId, String storageId, String objectName, long version)
      throws IOException {
    ObjectInfo info =
        stat(projectId, storageId, objectName, version)
            .orElseThrow(() -> notFound(projectId, storageId, objectName + " version " + version));
    return content.open(info.cid());
  }

  /**
   * Latest versions of the objects whose names start with {@code prefix}, by name (UTF-8 order).
   */
  public List<ObjectInfo> list(String projectId, String storageId, String prefix) {
    byte[] bucket = bucketKey(projectId, storageId);
    byte[] start = concat(bucket, prefix.isEmpty() ? new byte[0] : nameBytes(prefix));
    return env.computeInReadonlyTransaction(
        txn -> {
          List<ObjectInfo> out = new ArrayList<>();
          List<byte[]> names = new ArrayList<>();
          try (Cursor c = latest.openCursor(txn)) {
            ByteIterable k = c.getSearchKeyRange(bytes(start));
            while (k != null) {
              byte[] key = copy(c.getKey());
              if (!FileContentStore.startsWith(key, start)) {
                break;
              }
              names.add(Arrays.copyOfRange(key, bucket.length, key.length));
              k = c.getNext() ? c.getKey() : null;
            }
          }
          for (byte[] n : names) {
            long top = latestVersion(txn, bucket, n);
            readVersion(txn, bucket, n, new String(n, StandardCharsets.UTF_8), top)
                .ifPresent(out::add);
          }
          return out;
        });
  }

  /** Every stored version of an object, oldest first. */
  public List<ObjectInfo> versions(String projectId, String storageId, String objectName) {
    byte[] bucket = bucketKey(projectId, storageId);
    byte[] nameBytes = nameBytes(objectName);
    return env.computeInReadonlyTransaction(
        txn -> {
          List<ObjectInfo> out = new ArrayList<>();
          for (Version v : versionsOf(txn, bucket, nameBytes)) {
            out.add(v.info(objectName));
          }
          return out;
        });
  }

  /**
   * Removes an object and all its versions; returns whether it existed. Durable when it returns.
   */
  public boolean delete(String projectId, String storageId, String objectName) throws IOException {
    byte[] bucket = bucketKey(projectId, storageId);
    byte[] nameBytes = nameBytes(objectName);
    String storage = projectId + "/" + storageId;
    List<String> dropped = new ArrayList<>();
    boolean existed =
        write(
            txn -> {
              dropped.clear();
              List<Version> all = versionsOf(txn, bucket, nameBytes);
              if (all.isEmpty()) {
                return false;
              }
              long freed = 0;
              for (Version v : all) {
                versions.delete(txn, bytes(versionKey(bucket, nameBytes, v.version)));
                freed += v.size;
                dropped.add(v.owner(storage));
              }
              latest.delete(txn, bytes(concat(bucket, nameBytes)));
              Bucket b = readBucket(txn, bucket);
              if (b != null) {
                buckets.put(
                    txn,
                    bytes(bucket),
                    bytes(new Bucket(b.versioning, b.quota, b.used - freed).encode()));
              }
              return true;
            });
    unpinAll(dropped);
    return existed;
  }

  /**
   * Removes every storage of {@code projectId} with all its objects and versions, in one index
   * transaction, then unpins their content (a later gc reclaims what nothing else pins). Storages
   * of other projects are untouched, even when one project id is a prefix of another. Durable when
   * it returns; idempotent.
   *
   * @return how many storages were removed
   */
  public int deleteProject(String projectId) throws IOException {
    byte[] p = idBytes("project id", projectId);
    byte[] prefix = ByteBuffer.allocate(4 + p.length).putInt(p.length).put(p).array();
    List<String> dropped = new ArrayList<>();
    int removed =
        write(
            txn -> {
              dropped.clear(); // the transaction may run again after a conflict
              List<byte[]> bucketKeys = keysWithPrefix(txn, buckets, prefix);
              for (byte[] bucket : bucketKeys) {
                String storage = projectId + "/" + storageIdOf(bucket, p.length);
                for (byte[] k : keysWithPrefix(txn, versions, bucket)) {
                  ByteIterable v = versions.get(txn, bytes(k));
                  dropped.add(Version.decode(copy(v)).owner(storage));
                  versions.delete(txn, bytes(k));
                }
                for (byte[] k : keysWithPrefix(txn, latest, bucket)) {
                  latest.delete(txn, bytes(k));
                }
                buckets.delete(txn, bytes(bucket));
              }
              return bucketKeys.size();
            });
    unpinAll(dropped);
    return removed;
  }

  /** The distinct project ids that have at least one storage, sorted. */
  public List<String> projectIds() {
    return env.computeInReadonlyTransaction(
        txn -> {
          java.util.TreeSet<String> out = new java.util.TreeSet<>();
          try (Cursor c = buckets.openCursor(txn)) {
            while (c.getNext()) {
              ByteBuffer b = ByteBuffer.wrap(copy(c.getKey()));
              byte[] id = new byte[b.getInt()];
              b.get(id);
              out.add(new String(id, StandardCharsets.UTF_8));
            }
          }
          return List.copyOf(out);
        });
  }

  private static String storageIdOf(byte[] bucket, int projectLength) {
    ByteBuffer b = ByteBuffer.wrap(bucket, 4 + projectLength, bucket.length - 4 - projectLength);
    byte[] s = new byte[b.getInt()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static List<byte[]> keysWithPrefix(Transaction txn, Store store, byte[] prefix) {
    List<byte[]> out = new ArrayList<>();
    try (Cursor c = store.openCursor(txn)) {
      ByteIterable k = c.getSearchKeyRange(bytes(prefix));
      while (k != null) {
        byte[] key = copy(c.getKey());
        if (!FileContentStore.startsWith(key, prefix)) {
          break;
        }
        out.add(key);
        k = c.getNext() ? c.getKey() : null;
      }
    }
    return out;
  }

  /** Closes the metadata index (not the content store). Idempotent. */
  @Override
  public void close() {
    if (env.isOpen()) {
      env.close();
    }
  }

  // ---- internals ----

  /** Owners are "cid|owner" pairs recorded as strings in {@code dropped}. */
  private void unpinAll(List<String> dropped) throws IOException {
    for (String entry : dropped) {
      int bar = entry.indexOf('|');
      content.unpin(new Cid(entry.substring(0, bar)), entry.substring(bar + 1));
    }
  }

  private FileNotFoundException notFound(String projectId, String storageId, String what) {
    return new FileNotFoundException(
        name + ": no object " + what + " in storage " + projectId + "/" + storageId);
  }

  private long nextObjectId(Transaction txn) {
    byte[] key = "next-object-id".getBytes(StandardCharsets.US_ASCII);
    ByteIterable v = meta.get(txn, bytes(key));
    long next = v == null ? 1 : ByteBuffer.wrap(copy(v)).getLong();
    meta.put(txn, bytes(key), bytes(longBytes(next + 1)));
    return next;
  }

  private Bucket readBucket(Transaction txn, byte[] bucket) {
    ByteIterable v = buckets.get(txn, bytes(bucket));
    return v == null ? null : Bucket.decode(copy(v));
  }

  private long latestVersion(Transaction txn, byte[] bucket, byte[] nameBytes) {
    ByteIterable v = latest.get(txn, bytes(concat(bucket, nameBytes)));
    return v == null ? 0 : ByteBuffer.wrap(copy(v)).getLong();
  }

  private Optional<ObjectInfo> readVersion(
      Transaction txn, byte[] bucket, byte[] nameBytes, String objectName, long version) {
    ByteIterable v = versions.get(txn, bytes(versionKey(bucket, nameBytes, version)));
    return v == null ? Optional.empty() : Optional.of(Version.decode(copy(v)).info(objectName));
  }

  private List<Version> versionsOf(Transaction txn, byte[] bucket, byte[] nameBytes) {
    byte[] prefix = versionPrefix(bucket, nameBytes);
    List<Version> out = new ArrayList<>();
    try (Cursor c = versions.openCursor(txn)) {
      ByteIterable k = c.getSearchKeyRange(bytes(prefix));
      while (k != null) {
        byte[] key = copy(c.getKey());
        if (key.length != prefix.length + 8 || !FileContentStore.startsWith(key, prefix)) {
          break;
        }
        out.add(Version.decode(copy(c.getValue())));
        k = c.getNext() ? c.getKey() : null;
      }
    }
    return out;
  }

  private long sizeOfAllVersions(Transaction txn, byte[] bucket, byte[] nameBytes) {
    long sum = 0;
    for (Version v : versionsOf(txn, bucket, nameBytes)) {
      sum += v.size;
    }
    return sum;
  }

  /** A refusal decided inside a transaction, rethrown as its checked cause. */
  private static final class Refused extends RuntimeException {
    Refused(IOException cause) {
      super(cause);
    }
  }

  @FunctionalInterface
  private interface TxnBody<T> {
    T run(Transaction txn);
  }

  private <T> T write(TxnBody<T> body) throws IOException {
    try {
      return env.computeInTransaction(body::run);
    } catch (Refused r) {
      throw (IOException) r.getCause();
    } catch (ExodusException e) {
      throw new IOException(name + ": index write failed: " + e.getMessage(), e);
    }
  }

  private record Bucket(boolean versioning, long quota, long used) {
    byte[] encode() {
      return ByteBuffer.allocate(17)
          .put((byte) (versioning ? 1 : 0))
          .putLong(quota)
          .putLong(used)
          .array();
    }

    static Bucket decode(byte[] b) {
      ByteBuffer buf = ByteBuffer.wrap(b);
      return new Bucket(buf.get() == 1, buf.getLong(), buf.getLong());
    }
  }

  private record Version(long version, long size, long created, long objectId, byte[] cid) {
    byte[] encode() {
      return ByteBuffer.allocate(32 + cid.length)
          .putLong(version)
          .putLong(size)
          .putLong(created)
          .putLong(objectId)
          .put(cid)
          .array();
    }

    static Version decode(byte[] b) {
      ByteBuffer buf = ByteBuffer.wrap(b);
      long version = buf.getLong();
      long size = buf.getLong();
      long created = buf.getLong();
      long objectId = buf.getLong();
      byte[] cid = new byte[buf.remaining()];
      buf.get(cid);
      return new Version(version, size, created, objectId, cid);
    }

    ObjectInfo info(String objectName) {
      return new ObjectInfo(
          objectName, version, Cids.fromBytes(cid), size, Instant.ofEpochMilli(created));
    }

    String owner(String storage) {
      return Cids.fromBytes(cid).value() + "|storage:" + storage + "#" + objectId;
    }
  }

  /** Counts the bytes read and refuses to read past what the quota leaves. */
  private static final class CountingStream extends FilterInputStream {
    private final long allowed;
    private final String storage;
    private final Bucket bucket;
    long count;

    CountingStream(InputStream in, long allowed, String storage, Bucket bucket) {
      super(in);
      this.allowed = allowed;
      this.storage = storage;
      this.bucket = bucket;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    private void add(long n) throws StorageQuotaExceededException {
      count += n;
      if (count > allowed) {
        throw new StorageQuotaExceededException(
            storage,
            bucket.quota,
            bucket.used,
            "this object is larger than the " + Math.max(0, allowed) + " bytes left");
      }
    }
  }

  // ---- keys: length-delimited ids, then raw name bytes ----

  static byte[] bucketKey(String projectId, String storageId) {
    byte[] p = idBytes("project id", projectId);
    byte[] s = idBytes("storage id", storageId);
    return ByteBuffer.allocate(8 + p.length + s.length)
        .putInt(p.length)
        .put(p)
        .putInt(s.length)
        .put(s)
        .array();
  }

  private static byte[] versionPrefix(byte[] bucket, byte[] nameBytes) {
    return ByteBuffer.allocate(bucket.length + 4 + nameBytes.length)
        .put(bucket)
        .putInt(nameBytes.length)
        .put(nameBytes)
        .array();
  }

  private static byte[] versionKey(byte[] bucket, byte[] nameBytes, long version) {
    byte[] prefix = versionPrefix(bucket, nameBytes);
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(version).array();
  }

  private static byte[] idBytes(String what, String id) {
    byte[] b = utf8(what, id);
    if (b.length == 0 || b.length > MAX_ID_BYTES) {
      throw new IllegalArgumentException(what + " must be 1.." + MAX_ID_BYTES + " UTF-8 bytes");
    }
    return b;
  }

  static byte[] nameBytes(String objectName) {
    byte[] b = utf8("object name", objectName);
    if (b.length == 0 || b.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "object name must be 1.." + MAX_NAME_BYTES + " UTF-8 bytes, got " + b.length);
    }
    return b;
  }

  /** Strict UTF-8: a malformed string would otherwise collide with another after replacement. */
  private static byte[] utf8(String what, String s) {
    try {
      ByteBuffer buf =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      return Arrays.copyOf(buf.array(), buf.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is not well-formed Unicode", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static jetbrains.exodus.ArrayByteIterable bytes(byte[] b) {
    return FileContentStore.bytes(b);
  }

  private static byte[] copy(ByteIterable it) {
    return FileContentStore.copy(it);
  }
}
