package io.jtau.runtime.wasm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * tau's size-tracking key-value layer over an in-memory map, with keys stored verbatim as tau's
 * test backend does (§5.1): {@code put(k, v)} checks {@code used + len(v) <= maxSize}, stores
 * {@code k} and {@code size/<k>} (decimal length); {@code delete} removes both; {@code list("")}
 * returns every key except those starting with {@code /size} (so the verbatim {@code size/...}
 * entries are listed), a non-empty prefix returns every key starting with it. Keys are listed in
 * sorted order. Thread-safe (synchronized), non-blocking.
 */
public final class InMemoryKeyValueStore implements KeyValueStore {

  private final long maxSize;
  private final TreeMap<String, byte[]> data = new TreeMap<>();

  /** A store holding at most {@code maxSize} value bytes (tau's test backend uses 1 GiB). */
  public InMemoryKeyValueStore(long maxSize) {
    this.maxSize = maxSize;
  }

  @Override
  public synchronized byte[] get(String key) {
    byte[] v = data.get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public synchronized void put(String key, byte[] value) throws StoreException {
    long used = 0;
    for (var e : data.entrySet()) {
      if (e.getKey().startsWith("size/")) {
        used += Long.parseLong(new String(e.getValue(), StandardCharsets.US_ASCII));
      }
    }
    if (used + value.length > maxSize) {
      throw new StoreException("database full");
    }
    data.put(key, value.clone());
    data.put("size/" + key, Integer.toString(value.length).getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public synchronized void delete(String key) {
    data.remove(key);
    data.remove("size/" + key);
  }

  @Override
  public synchronized List<String> list(String prefix) {
    List<String> out = new ArrayList<>();
    for (String k : data.keySet()) {
      if (prefix.isEmpty() ? !k.startsWith("/size") : k.startsWith(prefix)) {
        out.add(k);
      }
    }
    return out;
  }
}
