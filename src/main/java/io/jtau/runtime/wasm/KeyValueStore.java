package io.jtau.runtime.wasm;

import java.util.List;

/**
 * A key-value store a guest reaches as a database (§3.6) or as the project's globals (§3.7).
 * Implementations must be thread-safe; calls may block briefly (local storage) and must not wait on
 * the network without their own timeout.
 */
public interface KeyValueStore {

  /** The value, or null when the key is absent. */
  byte[] get(String key) throws StoreException;

  /** Stores the value (empty allowed). Fails when the store is full. */
  void put(String key, byte[] value) throws StoreException;

  /** Removes the key; absent keys are not an error. */
  void delete(String key) throws StoreException;

  /** Keys starting with {@code prefix}, in a stable order (see {@link InMemoryKeyValueStore}). */
  List<String> list(String prefix) throws StoreException;

  /** Releases the handle; the data stays. */
  default void close() {}

  /** A store operation that failed; the message is for logs, never shown to guests. */
  final class StoreException extends Exception {
    public StoreException(String message) {
      super(message);
    }
  }
}
