package io.jtau.runtime.wasm;

import java.util.List;

/**
 * One storage resource as a guest reaches it (§3.8, §5.3): versioned files addressed by name.
 * Implementations must be thread-safe; calls may block briefly and must bound their own waiting.
 */
public interface FileStorage {

  /**
   * Stores {@code data} as file {@code name} and returns the resulting version: a new version
   * (latest + 1, the first is 1) unless {@code overwrite}, which replaces the latest one.
   *
   * @throws StorageException when the file cannot be stored, e.g. capacity is exceeded
   */
  int add(String name, byte[] data, boolean overwrite) throws StorageException;

  /** The bytes of version {@code version} (0 = latest), or null when it does not exist. */
  byte[] read(String name, int version) throws StorageException;

  /** Existing versions of the file, ascending; empty when there are none. */
  List<Integer> versions(String name) throws StorageException;

  /** One key per stored version, shaped {@code /file/<name>/<version>}, sorted. */
  List<String> files() throws StorageException;

  /** The binary CID of the latest version of the file, or null when it does not exist. */
  byte[] cid(String name) throws StorageException;

  /**
   * Deletes version {@code version} (0 = latest), or every version when {@code all}.
   *
   * @throws StorageException when nothing was deleted or deletion fails
   */
  void delete(String name, int version, boolean all) throws StorageException;

  /** Bytes used by all stored versions. */
  long used() throws StorageException;

  /** The configured capacity in bytes. */
  long capacity();

  /** A storage operation that failed; the message is for logs, never shown to guests. */
  final class StorageException extends Exception {
    public StorageException(String message) {
      super(message);
    }
  }
}
