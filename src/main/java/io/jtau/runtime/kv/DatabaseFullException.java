package io.jtau.runtime.kv;

import java.io.IOException;

/**
 * A put refused because it would take a database over its size quota ({@code storage.size}).
 * Nothing was written.
 */
public final class DatabaseFullException extends IOException {

  private final long quotaBytes;
  private final long usedBytes;
  private final long neededBytes;

  DatabaseFullException(String database, long quotaBytes, long usedBytes, long neededBytes) {
    super(
        "database "
            + database
            + " is full: quota "
            + quotaBytes
            + " bytes, used "
            + usedBytes
            + " bytes, this put needs "
            + neededBytes
            + " more (keys and values both count)");
    this.quotaBytes = quotaBytes;
    this.usedBytes = usedBytes;
    this.neededBytes = neededBytes;
  }

  /** The configured quota in bytes. */
  public long quotaBytes() {
    return quotaBytes;
  }

  /** Bytes in use when the put was refused. */
  public long usedBytes() {
    return usedBytes;
  }

  /** Extra bytes the refused put would have needed. */
  public long neededBytes() {
    return neededBytes;
  }
}
