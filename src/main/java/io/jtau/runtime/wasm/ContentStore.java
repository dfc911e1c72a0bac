package io.jtau.runtime.wasm;

/**
 * Content addressed by CID as {@code storageOpenCid} and {@code contentPushFile} reach it (§3.8).
 * Implementations must be thread-safe and must bound their own waiting.
 */
public interface ContentStore {

  /**
   * Adds the bytes and returns their binary CID (production: CIDv1 dag-pb UnixFS, §5.3).
   *
   * @throws FileStorage.StorageException when the content cannot be stored
   */
  byte[] add(byte[] data) throws FileStorage.StorageException;

  /**
   * The bytes for a binary CID, or null when this store does not have them.
   *
   * @throws FileStorage.StorageException when the lookup itself fails
   */
  byte[] get(byte[] cid) throws FileStorage.StorageException;
}
