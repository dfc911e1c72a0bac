package io.jtau.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a block's bytes into the temporary file the store then forces and renames. A seam for
 * fault injection: tests substitute a writer that fails part way (a full disk) to check that no
 * partial content becomes visible.
 */
@FunctionalInterface
interface BlockWriter {

  /** Writes all remaining bytes of {@code bytes} to {@code channel}. */
  void write(FileChannel channel, ByteBuffer bytes) throws IOException;

  /** The production writer. */
  BlockWriter CHANNEL =
      (channel, bytes) -> {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      };
}
