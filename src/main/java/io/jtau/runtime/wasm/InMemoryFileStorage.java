package io.jtau.runtime.wasm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The §5.3 test storage: versions from 1, listing {@code /file/<name>/<version>} sorted, a byte
 * capacity, and content ids computed by the given function (raw CIDs like tau's test store, or
 * UnixFS ones like production). Stored content is also added to the shared {@link ContentStore}
 * when one is given. Thread-safe.
 */
public final class InMemoryFileStorage implements FileStorage {

  private final long capacity;
  private final UnaryOperator<byte[]> cidOf;
  private final ContentStore content;
  private final Map<String, TreeMap<Integer, byte[]>> files = new TreeMap<>();

  /**
   * @param capacity bytes the storage may hold over all versions
   * @param unixFsCids true for production CIDs (dag-pb UnixFS), false for raw CIDs
   * @param content where file contents are also published (may be null)
   */
  public InMemoryFileStorage(long capacity, boolean unixFsCids, ContentStore content) {
    this.capacity = capacity;
    this.cidOf = unixFsCids ? Cids::unixFs : Cids::raw;
    this.content = content;
  }

  @Override
  public synchronized int add(String name, byte[] data, boolean overwrite) throws StorageException {
    TreeMap<Integer, byte[]> versions = files.computeIfAbsent(name, k -> new TreeMap<>());
    int latest = versions.isEmpty() ? 0 : versions.lastKey();
    int version = overwrite && latest > 0 ? latest : latest + 1;
    long replaced = versions.containsKey(version) ? versions.get(version).length : 0;
    if (usedNow() - replaced + data.length > capacity) {
      if (versions.isEmpty()) {
        files.remove(name);
      }
      throw new StorageException("storage full: capacity " + capacity + " bytes");
    }
    if (content != null) {
      content.add(data);
    }
    versions.put(version, data.clone());
    return version;
  }

  @Override
  public synchronized byte[] read(String name, int version) {
    TreeMap<Integer, byte[]> versions = files.get(name);
    if (versions == null || versions.isEmpty()) {
      return null;
    }
    byte[] b = version == 0 ? versions.lastEntry().getValue() : versions.get(version);
    return b == null ? null : b.clone();
  }

  @Override
  public synchronized List<Integer> versions(String name) {
    TreeMap<Integer, byte[]> versions = files.get(name);
    return versions == null ? List.of() : List.copyOf(versions.keySet());
  }

  @Override
  public synchronized List<String> files() {
    List<String> out = new ArrayList<>();
    files.forEach((n, vs) -> vs.keySet().forEach(v -> out.add("/file/" + n + "/" + v)));
    out.sort(null);
    return out;
  }

  @Override
  public synchronized byte[] cid(String name) {
    byte[] b = read(name, 0);
    return b == null ? null : cidOf.apply(b);
  }

  @Override
  public synchronized void delete(String name, int version, boolean all) throws StorageException {
    TreeMap<Integer, byte[]> versions = files.get(name);
    if (versions == null || versions.isEmpty()) {
      throw new StorageException("no such file: " + name);
    }
    if (all) {
      files.remove(name);
      return;
    }
    int v = version == 0 ? versions.lastKey() : version;
    if (versions.remove(v) == null) {
      throw new StorageException("no such version: " + name + "/" + v);
    }
    if (versions.isEmpty()) {
      files.remove(name);
    }
  }

  @Override
  public synchronized long used() {
    return usedNow();
  }

  private long usedNow() {
    long n = 0;
    for (TreeMap<Integer, byte[]> vs : files.values()) {
      for (byte[] b : vs.values()) {
        n += b.length;
      }
    }
    return n;
  }

  @Override
  public long capacity() {
    return capacity;
  }
}
