package io.jtau.store;

import java.io.IOException;

/**
 * Thrown by {@link ObjectStorage#put} when storing the object would take a storage over its size
 * quota. Nothing was recorded; the storage is unchanged.
 */
public final class StorageQuotaExceededException extends IOException {

  private final long quotaBytes;
  private final long usedBytes;

  StorageQuotaExceededException(String storage, long quotaBytes, long usedBytes, String detail) {
    super(
        "storage "
            + storage
            + " is over its quota: quota "
            + quotaBytes
            + " bytes, used "
            + usedBytes
            + " bytes, "
            + detail);
    this.quotaBytes = quotaBytes;
    this.usedBytes = usedBytes;
  }

  /** The storage's quota in bytes. */
  public long quotaBytes() {
    return quotaBytes;
  }

  /** Bytes the storage used when the put was refused. */
  public long usedBytes() {
    return usedBytes;
  }
}
