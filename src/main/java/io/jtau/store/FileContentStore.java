package io.jtau.store;

import io.jtau.model.Cid;
import io.jtau.port.ContentStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.ExodusException;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;

/**
 * A {@link ContentStore} on the local file system: UnixFS blocks ({@link UnixFs}) as files named by
 * their CID under {@code root/blocks/<last two characters>/<cid>}, an index in a Xodus environment
 * under {@code root/index}.
 *
 * <p><b>Durability.</b> A block is written to a temporary file in its final folder, forced to disk,
 * atomically renamed, and its folder is forced before the index transaction (durable write) records
 * the file; {@link #put} returns only after that commit. A failed or interrupted put leaves at most
 * complete, unindexed blocks, which {@link #gc} removes; it never leaves a partial block under a
 * CID name, and the content is not reported by {@link #has}.
 *
 * <p><b>Verification.</b> Every block read from disk is hashed and compared with its CID; a
 * mismatch is never served: the read throws {@link ContentStore.CorruptContentException}, the file
 * is moved to {@code root/quarantine/} and recorded there, and a later put of the same content
 * writes it again.
 *
 * <p><b>Retention.</b> Roots are pinned by owners ({@link #pin}); {@link #gc} deletes blocks that
 * are not reachable from any pinned root and were last written or deduplicated before the grace
 * period.
 *
 * <p>Thread-safe. Reads run concurrently with everything; puts run concurrently with each other;
 * {@link #gc} excludes puts while it runs. One instance per root folder per machine (the index is
 * locked by Xodus).
 */
public final class FileContentStore implements ContentStore, AutoCloseable {

  /** Largest block accepted from disk: a full leaf plus its framing. */
  static final int MAX_BLOCK_BYTES = UnixFs.CHUNK_SIZE + 64;

  private static final String TEMP_PREFIX = ".tmp-";

  private final Path root;
  private final Path blocksDir;
  private final Path quarantineDir;
  private final String name;
  private final Clock clock;
  private final BlockWriter writer;
  private final Environment env;
  private final Store blocks;
  private final Store roots;
  private final Store pins;
  // The same pins keyed by owner then CID, so an owner's pins are a range, not a table scan.
  private final Store pinOwners;
  private final Store quarantine;
  private final ReadWriteLock gcLock = new ReentrantReadWriteLock();
  private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
  private final AtomicLong tempCounter = new AtomicLong();
  private volatile boolean closed;

  /**
   * Block writes and folder syncs of a put run on a few threads: each block still goes temp file →
   * force → rename on its own, but the fsync latencies overlap (a 100 MB put is ~400 of them).
   */
  private final ExecutorService io =
      Executors.newFixedThreadPool(
          IO_THREADS,
          r -> {
            Thread t = new Thread(r, "content-store-io");
            t.setDaemon(true);
            return t;
          });

  private static final int IO_THREADS = 4;

  /** Blocks in flight per put: bounds memory to a few chunks whatever the file size. */
  private static final int MAX_IN_FLIGHT = 8;

  /** Opens (creating if needed) the store under {@code root}. */
  public FileContentStore(Path root) throws IOException {
    this(root, Clock.systemUTC(), BlockWriter.CHANNEL);
  }

  FileContentStore(Path root, Clock clock, BlockWriter writer) throws IOException {
    this.root = root.toAbsolutePath();
    this.name = "content store " + this.root;
    this.clock = clock;
    this.writer = writer;
    this.blocksDir = this.root.resolve("blocks");
    this.quarantineDir = this.root.resolve("quarantine");
    Files.createDirectories(blocksDir);
    Files.createDirectories(quarantineDir);
    Path indexDir = this.root.resolve("index");
    Files.createDirectories(indexDir);
    try {
      EnvironmentConfig cfg = new EnvironmentConfig().setLogDurableWrite(true);
      this.env = Environments.newInstance(indexDir.toFile(), cfg);
      Store[] opened =
          env.computeInTransaction(
              txn ->
                  new Store[] {
                    env.openStore("blocks", StoreConfig.WITHOUT_DUPLICATES, txn),
                    env.openStore("roots", StoreConfig.WITHOUT_DUPLICATES, txn),
                    env.openStore("pins", StoreConfig.WITHOUT_DUPLICATES, txn),
                    env.openStore("quarantine", StoreConfig.WITHOUT_DUPLICATES, txn),
                    env.openStore("pin-owners", StoreConfig.WITHOUT_DUPLICATES, txn)
                  });
      this.blocks = opened[0];
      this.roots = opened[1];
      this.pins = opened[2];
      this.quarantine = opened[3];
      this.pinOwners = opened[4];
      // A store written before the owner index existed: build it once from the pins.
      env.executeInTransaction(
          txn -> {
            if (pinOwners.count(txn) == 0 && pins.count(txn) > 0) {
              try (Cursor c = pins.openCursor(txn)) {
                while (c.getNext()) {
                  byte[] key = copy(c.getKey());
                  pinOwners.put(txn, bytes(ownerKey(key)), c.getValue());
                }
              }
            }
          });
    } catch (ExodusException e) {
      throw new IOException(name + ": cannot open index: " + e.getMessage(), e);
    }
  }

  /** The folder this store lives in. */
  public Path root() {
    return root;
  }

  /** Counts from the index. */
  public record Stats(long blocks, long blockBytes, long roots, long pins) {}

  /**
   * What {@link #gc} did; {@code skippedBecause} is non-null when it deleted nothing on purpose.
   */
  public record GcReport(
      long deletedBlocks, long freedBytes, long keptBlocks, String skippedBecause) {}

  /** What {@link #verify} found; corrupt blocks have been quarantined. */
  public record VerifyReport(long checkedBlocks, List<Cid> corrupt, List<Cid> missing) {
    public VerifyReport {
      corrupt = List.copyOf(corrupt);
      missing = List.copyOf(missing);
    }

    /** Whether every indexed block is present and matches its CID. */
    public boolean healthy() {
      return corrupt.isEmpty() && missing.isEmpty();
    }
  }

  /** A block moved out of service. */
  public record Quarantined(Cid cid, Instant at, String reason) {}

  /**
   * Stores the stream's bytes as a UnixFS file and returns its root CID; durable when it returns.
   * Blocks already present are not written again. Reads the stream to its end; an exception thrown
   * by the stream propagates unchanged and nothing is recorded.
   *
   * @throws IOException naming this store when a block or the index cannot be written
   */
  @Override
  public Cid put(InputStream content) throws IOException {
    ensureOpen();
    gcLock.readLock().lock();
    try {
      List<byte[]> keys = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      Set<Cid> seen = new HashSet<>();
      Set<Path> dirsToSync = ConcurrentHashMap.newKeySet();
      ParallelWrites writes = new ParallelWrites();
      UnixFs.Imported imported;
      try {
        imported =
            UnixFs.importFile(
                content,
                (cid, block, kind) -> {
                  if (!seen.add(cid)) {
                    return;
                  }
                  byte[] key = Cids.toBytes(cid);
                  if (!indexedAndPresent(key, cid, block.length)) {
                    writes.submit(() -> writeBlock(cid, block, dirsToSync));
                  }
                  keys.add(key);
                  values.add(blockValue(kind, block.length, 0));
                });
      } catch (IOException | RuntimeException e) {
        writes.awaitQuietly(e);
        throw e;
      }
      writes.await();
      ParallelWrites syncs = new ParallelWrites();
      for (Path dir : dirsToSync) {
        syncs.submit(() -> syncDirectory(dir));
      }
      syncs.await();
      long now = clock.millis();
      byte[] rootKey = Cids.toBytes(imported.root());
      byte[] rootValue = ByteBuffer.allocate(16).putLong(imported.size()).putLong(now).array();
      try {
        env.executeInTransaction(
            txn -> {
              for (int i = 0; i < keys.size(); i++) {
                ByteBuffer.wrap(values.get(i)).putLong(5, now);
                blocks.put(txn, bytes(keys.get(i)), bytes(values.get(i)));
              }
              roots.put(txn, bytes(rootKey), bytes(rootValue));
            });
      } catch (ExodusException e) {
        throw new IOException(name + ": cannot record content in the index: " + e.getMessage(), e);
      }
      return imported.root();
    } finally {
      gcLock.readLock().unlock();
    }
  }

  /** Whether the block {@code cid} is indexed and its file exists. Never throws. */
  @Override
  public boolean has(Cid cid) {
    if (closed || !Cids.isSupported(cid)) {
      return false;
    }
    byte[] key = Cids.toBytes(cid);
    try {
      return env.computeInReadonlyTransaction(txn -> blocks.get(txn, bytes(key)) != null)
          && Files.exists(blockPath(cid));
    } catch (ExodusException e) {
      return false;
    }
  }

  /** Opens the whole verified content of {@code cid}. See {@link #open(Cid, long, long)}. */
  @Override
  public InputStream open(Cid cid) throws IOException {
    return open(cid, 0, Long.MAX_VALUE);
  }

  /**
   * Opens at most {@code length} verified bytes starting at {@code offset}; the range is clipped to
   * the content. Blocks are read one at a time as the stream advances (memory stays bounded
   * whatever the size) and each is verified before any of its bytes is returned.
   *
   * @throws FileNotFoundException when the root block is absent
   * @throws ContentStore.CorruptContentException from open or read when a block fails verification
   */
  public InputStream open(Cid cid, long offset, long length) throws IOException {
    ensureOpen();
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative range: offset " + offset + ", length " + length);
    }
    if (!Cids.isSupported(cid)) {
      throw new FileNotFoundException(name + ": no such content " + cid);
    }
    return new DagInputStream(this, cid, offset, length);
  }

  /** Reads a verified byte range of small content; see {@link #open(Cid, long, long)}. */
  public byte[] read(Cid cid, long offset, long length) throws IOException {
    try (InputStream in = open(cid, offset, length)) {
      return in.readAllBytes();
    }
  }

  /**
   * The content size of {@code cid} in bytes.
   *
   * @throws FileNotFoundException when absent
   */
  public long size(Cid cid) throws IOException {
    ensureOpen();
    if (!Cids.isSupported(cid)) {
      throw new FileNotFoundException(name + ": no such content " + cid);
    }
    byte[] key = Cids.toBytes(cid);
    Long recorded =
        env.computeInReadonlyTransaction(
            txn -> {
              ByteIterable v = roots.get(txn, bytes(key));
              return v == null ? null : ByteBuffer.wrap(copy(v)).getLong(0);
            });
    if (recorded != null && has(cid)) {
      return recorded;
    }
    return readNode(cid, -1).filesize();
  }

  /**
   * Records that {@code owner} keeps {@code cid}. Idempotent per owner; durable when it returns.
   *
   * @throws FileNotFoundException when the content is absent
   */
  public void pin(Cid cid, String owner) throws IOException {
    pinAll(List.of(cid), owner);
  }

  /**
   * Records that {@code owner} keeps every one of {@code cids}, in one durable transaction: all or
   * none. Idempotent per owner.
   *
   * @throws FileNotFoundException when any of the content is absent (nothing is pinned then)
   */
  public void pinAll(Collection<Cid> cids, String owner) throws IOException {
    ensureOpen();
    if (cids.isEmpty()) {
      return;
    }
    byte[] value = ByteBuffer.allocate(8).putLong(clock.millis()).array();
    // Under the gc lock: a pin made while gc runs waits for it, then finds the content either
    // still present (and now kept) or gone (and fails), never pinned-but-deleted.
    gcLock.readLock().lock();
    try {
      for (Cid cid : cids) {
        if (!has(cid)) {
          throw new FileNotFoundException(name + ": cannot pin absent content " + cid);
        }
      }
      env.executeInTransaction(
          txn -> {
            for (Cid cid : cids) {
              byte[] key = pinKey(cid, owner);
              pins.put(txn, bytes(key), bytes(value));
              pinOwners.put(txn, bytes(ownerKey(key)), bytes(value));
            }
          });
    } catch (ExodusException e) {
      throw new IOException(name + ": cannot record pin: " + e.getMessage(), e);
    } finally {
      gcLock.readLock().unlock();
    }
  }

  /** One pin: {@code owner} keeps {@code cid}. */
  public record Pin(Cid cid, String owner) {}

  /**
   * Every pin whose owner starts with {@code ownerPrefix} (empty: all), ordered by owner then CID.
   * Reads only that range of the owner index.
   */
  public List<Pin> pins(String ownerPrefix) {
    ensureOpen();
    byte[] prefix = ownerPrefix.getBytes(UTF8);
    return env.computeInReadonlyTransaction(
        txn -> {
          List<Pin> out = new ArrayList<>();
          try (Cursor c = pinOwners.openCursor(txn)) {
            if (c.getSearchKeyRange(bytes(prefix)) == null) {
              return out;
            }
            do {
              byte[] key = copy(c.getKey());
              if (!startsWith(key, prefix)) {
                break;
              }
              int at = key.length - Cids.BINARY_LENGTH;
              out.add(
                  new Pin(
                      Cids.fromBytes(Arrays.copyOfRange(key, at, key.length)),
                      new String(key, 0, at, UTF8)));
            } while (c.getNext());
          }
          return out;
        });
  }

  /** Drops {@code owner}'s pin; returns whether it existed. Idempotent; durable when it returns. */
  public boolean unpin(Cid cid, String owner) throws IOException {
    return unpinAll(List.of(new Pin(cid, owner))) == 1;
  }

  /** Drops the given pins in one durable transaction; returns how many existed. Idempotent. */
  public int unpinAll(Collection<Pin> drop) throws IOException {
    ensureOpen();
    if (drop.isEmpty()) {
      return 0;
    }
    try {
      return env.computeInTransaction(
          txn -> {
            int n = 0;
            for (Pin p : drop) {
              byte[] key = pinKey(p.cid(), p.owner());
              pinOwners.delete(txn, bytes(ownerKey(key)));
              if (pins.delete(txn, bytes(key))) {
                n++;
              }
            }
            return n;
          });
    } catch (ExodusException e) {
      throw new IOException(name + ": cannot remove pin: " + e.getMessage(), e);
    }
  }

  /** The owners pinning {@code cid}, sorted. */
  public List<String> owners(Cid cid) {
    ensureOpen();
    byte[] prefix = Cids.toBytes(cid);
    return env.computeInReadonlyTransaction(
        txn -> {
          List<String> out = new ArrayList<>();
          try (Cursor c = pins.openCursor(txn)) {
            ByteIterable k = c.getSearchKeyRange(bytes(prefix));
            while (k != null) {
              byte[] key = copy(c.getKey());
              if (!startsWith(key, prefix)) {
                break;
              }
              out.add(new String(key, prefix.length, key.length - prefix.length, UTF8));
              k = c.getNext() ? c.getKey() : null;
            }
          }
          return out;
        });
  }

  /** Block count and bytes, roots and pins, from the index. */
  public Stats stats() {
    ensureOpen();
    return env.computeInReadonlyTransaction(
        txn -> {
          long count = 0;
          long total = 0;
          try (Cursor c = blocks.openCursor(txn)) {
            while (c.getNext()) {
              count++;
              total += ByteBuffer.wrap(copy(c.getValue())).getInt(1);
            }
          }
          return new Stats(count, total, roots.count(txn), pins.count(txn));
        });
  }

  /** Blocks moved to quarantine, oldest first. */
  public List<Quarantined> quarantined() {
    ensureOpen();
    return env.computeInReadonlyTransaction(
        txn -> {
          List<Quarantined> out = new ArrayList<>();
          try (Cursor c = quarantine.openCursor(txn)) {
            while (c.getNext()) {
              byte[] key = copy(c.getKey());
              Cid cid = Cids.fromBytes(Arrays.copyOf(key, Cids.BINARY_LENGTH));
              long at = ByteBuffer.wrap(key).getLong(Cids.BINARY_LENGTH);
              out.add(
                  new Quarantined(
                      cid, Instant.ofEpochMilli(at), new String(copy(c.getValue()), UTF8)));
            }
          }
          out.sort((a, b) -> a.at().compareTo(b.at()));
          return out;
        });
  }

  /**
   * Deletes every block that no pinned root reaches and that was last written or deduplicated more
   * than {@code grace} ago, and leftover temporary files as old. Deletes nothing (and says why) if
   * a pinned DAG cannot be fully walked, since its unreadable part may reach blocks still needed.
   * Blocks puts while it runs.
   */
  public GcReport gc(Duration grace) throws IOException {
    ensureOpen();
    gcLock.writeLock().lock();
    try {
      long cutoff = clock.millis() - grace.toMillis();
      Set<Cid> live = new HashSet<>();
      for (Cid pinned : pinnedRoots()) {
        try {
          mark(pinned, live);
        } catch (IOException e) {
          return new GcReport(
              0, 0, 0, "pinned content " + pinned + " is unreadable: " + e.getMessage());
        }
      }
      long deleted = 0;
      long freed = 0;
      long kept = 0;
      try (DirectoryStream<Path> shards = Files.newDirectoryStream(blocksDir)) {
        for (Path shard : shards) {
          if (!Files.isDirectory(shard)) {
            continue;
          }
          try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
            for (Path file : files) {
              String fileName = file.getFileName().toString();
              if (fileName.startsWith(TEMP_PREFIX)) {
                if (Files.getLastModifiedTime(file).toMillis() < cutoff) {
                  Files.deleteIfExists(file);
                }
                continue;
              }
              Cid cid;
              try {
                cid = new Cid(fileName);
                Cids.toBytes(cid);
              } catch (IllegalArgumentException e) {
                continue; // not ours: leave foreign files alone
              }
              if (live.contains(cid)) {
                kept++;
                continue;
              }
              long touched = touchedAt(cid);
              if (touched < 0) {
                touched = Files.getLastModifiedTime(file).toMillis();
              }
              if (touched >= cutoff) {
                kept++;
                continue;
              }
              long size = Files.size(file);
              byte[] key = Cids.toBytes(cid);
              env.executeInTransaction(
                  txn -> {
                    blocks.delete(txn, bytes(key));
                    roots.delete(txn, bytes(key));
                  });
              Files.deleteIfExists(file);
              deleted++;
              freed += size;
            }
          }
        }
      }
      return new GcReport(deleted, freed, kept, null);
    } catch (ExodusException e) {
      throw new IOException(name + ": gc failed in the index: " + e.getMessage(), e);
    } finally {
      gcLock.writeLock().unlock();
    }
  }

  /**
   * Reads and hashes every indexed block; corrupt ones are quarantined and reported, missing ones
   * reported.
   */
  public VerifyReport verify() throws IOException {
    ensureOpen();
    List<byte[]> keys =
        env.computeInReadonlyTransaction(
            txn -> {
              List<byte[]> out = new ArrayList<>();
              try (Cursor c = blocks.openCursor(txn)) {
                while (c.getNext()) {
                  out.add(copy(c.getKey()));
                }
              }
              return out;
            });
    List<Cid> corrupt = new ArrayList<>();
    List<Cid> missing = new ArrayList<>();
    for (byte[] key : keys) {
      Cid cid = Cids.fromBytes(key);
      try {
        readBlock(cid);
      } catch (CorruptContentException e) {
        corrupt.add(cid);
      } catch (FileNotFoundException e) {
        missing.add(cid);
      }
    }
    return new VerifyReport(keys.size(), corrupt, missing);
  }

  /** Closes the index. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      io.shutdown();
      env.close();
    }
  }

  // ---- blocks on disk ----

  Path blockPath(Cid cid) {
    String text = cid.value();
    return blocksDir.resolve(text.substring(text.length() - 2)).resolve(text);
  }

  private void writeBlock(Cid cid, byte[] block, Set<Path> dirsToSync) throws IOException {
    Path target = blockPath(cid);
    Path dir = target.getParent();
    ensureDirectory(dir);
    Path temp =
        dir.resolve(
            TEMP_PREFIX
                + cid.value()
                + "-"
                + ProcessHandle.current().pid()
                + "-"
                + tempCounter.incrementAndGet());
    try {
      try (FileChannel ch =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writer.write(ch, ByteBuffer.wrap(block));
        ch.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IOException(name + ": cannot write block " + cid + ": " + e, e);
    }
    dirsToSync.add(dir);
  }

  private void ensureDirectory(Path dir) throws IOException {
    if (knownDirs.contains(dir)) {
      return;
    }
    try {
      Files.createDirectory(dir);
      syncDirectory(dir.getParent());
    } catch (FileAlreadyExistsException e) {
      // created earlier or by a concurrent put
    } catch (IOException e) {
      throw new IOException(name + ": cannot create folder " + dir + ": " + e, e);
    }
    knownDirs.add(dir);
  }

  private void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new IOException(name + ": cannot sync folder " + dir + ": " + e, e);
    }
  }

  private boolean indexedAndPresent(byte[] key, Cid cid, int length) {
    boolean indexed = env.computeInReadonlyTransaction(txn -> blocks.get(txn, bytes(key)) != null);
    if (!indexed) {
      return false;
    }
    try {
      return Files.size(blockPath(cid)) == length;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads one block and verifies it against its CID. */
  byte[] readBlock(Cid cid) throws IOException {
    Path file = blockPath(cid);
    byte[] bytes;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > MAX_BLOCK_BYTES) {
        quarantineBlock(cid, file, "block file of " + size + " bytes is larger than any block");
        throw new CorruptContentException(name + ": block " + cid + " is oversized; quarantined");
      }
      bytes = new byte[(int) size];
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // fill
      }
      if (buf.hasRemaining()) {
        bytes = Arrays.copyOf(bytes, buf.position());
      }
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(name + ": block " + cid + " is absent");
    }
    if (!Cids.matches(cid, bytes, 0, bytes.length)) {
      quarantineBlock(cid, file, "content does not match its CID");
      throw new CorruptContentException(
          name + ": block " + cid + " does not match its CID; quarantined, not served");
    }
    return bytes;
  }

  /**
   * Reads, verifies and decodes a block; {@code expectedSize} (or -1) is the content size the
   * parent says it holds.
   */
  UnixFs.Node readNode(Cid cid, long expectedSize) throws IOException {
    byte[] block = readBlock(cid);
    UnixFs.Node node;
    try {
      node = UnixFs.decode(block);
    } catch (UnixFs.MalformedNodeException e) {
      throw new IOException(name + ": " + cid + " is not a UnixFS file block: " + e.getMessage());
    }
    if (expectedSize >= 0 && node.filesize() != expectedSize) {
      throw new CorruptContentException(
          name
              + ": block "
              + cid
              + " holds "
              + node.filesize()
              + " bytes, its parent says "
              + expectedSize);
    }
    return node;
  }

  private void quarantineBlock(Cid cid, Path file, String reason) {
    long now = clock.millis();
    try {
      Files.move(
          file, quarantineDir.resolve(cid.value() + "." + now), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // already moved by a concurrent reader, or the disk refuses: the index entry still goes
    }
    byte[] key =
        ByteBuffer.allocate(Cids.BINARY_LENGTH + 8).put(Cids.toBytes(cid)).putLong(now).array();
    try {
      env.executeInTransaction(
          txn -> {
            blocks.delete(txn, bytes(Cids.toBytes(cid)));
            quarantine.put(txn, bytes(key), bytes(reason.getBytes(UTF8)));
          });
    } catch (ExodusException e) {
      // the read still fails; verification repeats on the next read
    }
  }

  // ---- gc helpers ----

  private List<Cid> pinnedRoots() {
    return env.computeInReadonlyTransaction(
        txn -> {
          Set<Cid> out = new LinkedHashSet<>();
          try (Cursor c = pins.openCursor(txn)) {
            while (c.getNext()) {
              byte[] key = copy(c.getKey());
              out.add(Cids.fromBytes(Arrays.copyOf(key, Cids.BINARY_LENGTH)));
            }
          }
          return new ArrayList<>(out);
        });
  }

  private void mark(Cid rootCid, Set<Cid> live) throws IOException {
    Deque<Cid> todo = new ArrayDeque<>();
    todo.push(rootCid);
    while (!todo.isEmpty()) {
      Cid cid = todo.pop();
      if (!live.add(cid)) {
        continue;
      }
      if (kindOf(cid) == UnixFs.Kind.LEAF) {
        continue; // a leaf links nowhere: no need to read it
      }
      for (UnixFs.Link link : readNode(cid, -1).links()) {
        todo.push(Cids.fromBytes(link.cid()));
      }
    }
  }

  private UnixFs.Kind kindOf(Cid cid) {
    byte[] key = Cids.toBytes(cid);
    return env.computeInReadonlyTransaction(
        txn -> {
          ByteIterable v = blocks.get(txn, bytes(key));
          if (v == null) {
            return null;
          }
          return copy(v)[0] == 0 ? UnixFs.Kind.LEAF : UnixFs.Kind.INTERNAL;
        });
  }

  private long touchedAt(Cid cid) {
    byte[] key = Cids.toBytes(cid);
    return env.computeInReadonlyTransaction(
        txn -> {
          ByteIterable v = blocks.get(txn, bytes(key));
          return v == null ? -1L : ByteBuffer.wrap(copy(v)).getLong(5);
        });
  }

  // ---- encoding ----

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static byte[] blockValue(UnixFs.Kind kind, int size, long touched) {
    return ByteBuffer.allocate(13)
        .put((byte) (kind == UnixFs.Kind.LEAF ? 0 : 1))
        .putInt(size)
        .putLong(touched)
        .array();
  }

  /** The owner index key of a pin key (CID bytes then owner): owner bytes then CID bytes. */
  private static byte[] ownerKey(byte[] pinKey) {
    byte[] key = new byte[pinKey.length];
    int owner = pinKey.length - Cids.BINARY_LENGTH;
    System.arraycopy(pinKey, Cids.BINARY_LENGTH, key, 0, owner);
    System.arraycopy(pinKey, 0, key, owner, Cids.BINARY_LENGTH);
    return key;
  }

  private static byte[] pinKey(Cid cid, String owner) {
    if (owner == null || owner.isEmpty()) {
      throw new IllegalArgumentException("pin owner must not be empty");
    }
    byte[] c = Cids.toBytes(cid);
    byte[] o = owner.getBytes(UTF8);
    byte[] key = Arrays.copyOf(c, c.length + o.length);
    System.arraycopy(o, 0, key, c.length, o.length);
    return key;
  }

  static ArrayByteIterable bytes(byte[] b) {
    return new ArrayByteIterable(b);
  }

  static byte[] copy(ByteIterable it) {
    return Arrays.copyOf(it.getBytesUnsafe(), it.getLength());
  }

  static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length
        && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
  }

  @FunctionalInterface
  private interface IoTask {
    void run() throws IOException;
  }

  /** Tasks of one put on the shared I/O threads, at most {@link #MAX_IN_FLIGHT} at a time. */
  private final class ParallelWrites {
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final List<Future<?>> pending = new ArrayList<>();

    void submit(IoTask task) throws IOException {
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(name + ": interrupted while writing");
      }
      try {
        pending.add(
            io.submit(
                () -> {
                  try {
                    task.run();
                    return null;
                  } finally {
                    slots.release();
                  }
                }));
      } catch (RejectedExecutionException e) {
        slots.release();
        throw new IOException(name + " is closed", e);
      }
      if (pending.size() > 4 * MAX_IN_FLIGHT) {
        reapDone();
      }
    }

    /** Drops finished tasks, failing fast on the first error. */
    private void reapDone() throws IOException {
      for (var it = pending.iterator(); it.hasNext(); ) {
        Future<?> f = it.next();
        if (f.isDone()) {
          get(f);
          it.remove();
        }
      }
    }

    /** Waits for every task; throws the first failure. */
    void await() throws IOException {
      IOException first = null;
      for (Future<?> f : pending) {
        try {
          get(f);
        } catch (IOException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      pending.clear();
      if (first != null) {
        throw first;
      }
    }

    /** Waits for every task after {@code cause} ended the put, so no write outlives it. */
    void awaitQuietly(Exception cause) {
      try {
        await();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }

    private void get(Future<?> f) throws IOException {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            f.get();
            return;
          } catch (InterruptedException e) {
            interrupted = true; // finish waiting: the task owns a temp file
          } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
              throw io;
            }
            if (c instanceof RuntimeException re) {
              throw re;
            }
            throw new IOException(name + ": block write failed", c);
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Streams a UnixFS file, one verified block at a time, over a byte range. */
  private static final class DagInputStream extends InputStream {
    private final FileContentStore store;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private byte[] leaf = new byte[0];
    private int leafPos;
    private long remaining;

    private static final class Frame {
      final List<UnixFs.Link> links;
      int next;

      Frame(List<UnixFs.Link> links, int next) {
        this.links = links;
        this.next = next;
      }
    }

    DagInputStream(FileContentStore store, Cid rootCid, long offset, long length)
        throws IOException {
      this.store = store;
      UnixFs.Node node = store.readNode(rootCid, -1);
      long size = node.filesize();
      long start = Math.min(offset, size);
      this.remaining = Math.min(length, size - start);
      if (remaining > 0) {
        descend(node, start);
      }
    }

    /** Goes down from {@code node} to the leaf holding byte {@code skip} of it. */
    private void descend(UnixFs.Node node, long skip) throws IOException {
      while (node.kind() == UnixFs.Kind.INTERNAL) {
        List<UnixFs.Link> links = node.links();
        int i = 0;
        while (i < links.size() - 1 && skip >= links.get(i).filesize()) {
          skip -= links.get(i).filesize();
          i++;
        }
        stack.push(new Frame(links, i + 1));
        UnixFs.Link link = links.get(i);
        node = store.readNode(Cids.fromBytes(link.cid()), link.filesize());
      }
      leaf = node.data();
      leafPos = (int) skip;
    }

    private boolean advance() throws IOException {
      while (!stack.isEmpty()) {
        Frame top = stack.peek();
        if (top.next < top.links.size()) {
          UnixFs.Link link = top.links.get(top.next++);
          descend(store.readNode(Cids.fromBytes(link.cid()), link.filesize()), 0);
          return true;
        }
        stack.pop();
      }
      return false;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      while (leafPos >= leaf.length) {
        if (!advance()) {
          throw new CorruptContentException(
              store.name + ": content ends " + remaining + " bytes before its recorded size");
        }
      }
      int n = (int) Math.min(Math.min(len, leaf.length - leafPos), remaining);
      System.arraycopy(leaf, leafPos, b, off, n);
      leafPos += n;
      remaining -= n;
      return n;
    }
  }
}
