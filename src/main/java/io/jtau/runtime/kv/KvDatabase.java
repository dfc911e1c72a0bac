package io.jtau.runtime.kv;

import java.io.IOException;
import java.util.List;

/**
 * A handle on one database of a {@link KvStore}. Keys and values are opaque bytes; keys are listed
 * in unsigned byte order. Handles are cheap, hold no resources and may be shared; thread-safe. Puts
 * and deletes block until durable.
 */
public final class KvDatabase {

  private final KvStore store;
  private final DatabaseId id;

  KvDatabase(KvStore store, DatabaseId id) {
    this.store = store;
    this.id = id;
  }

  public DatabaseId id() {
    return id;
  }

  /** The value, or null when the key is absent. */
  public byte[] get(byte[] key) throws IOException {
    return store.get(id, key);
  }

  /**
   * Stores the value (empty allowed) durably.
   *
   * @throws DatabaseFullException when the quota would be exceeded (nothing is written)
   */
  public void put(byte[] key, byte[] value) throws IOException {
    store.put(id, key, value);
  }

  /** Removes the key durably; an absent key is not an error. */
  public void delete(byte[] key) throws IOException {
    store.delete(id, key);
  }

  /** Every key starting with {@code prefix} (all keys for an empty prefix), in byte order. */
  public List<byte[]> list(byte[] prefix) throws IOException {
    return store.list(id, prefix, Integer.MAX_VALUE);
  }

  /** At most {@code limit} keys starting with {@code prefix}, in byte order. */
  public List<byte[]> list(byte[] prefix, int limit) throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return store.list(id, prefix, limit);
  }

  /** Quota, used bytes and key count. */
  public KvStore.Usage usage() throws IOException {
    return store.usage(id);
  }
}
