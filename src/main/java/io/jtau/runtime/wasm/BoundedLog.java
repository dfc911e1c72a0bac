package io.jtau.runtime.wasm;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Guest output (WASI stdout/stderr, {@code env._log}) kept up to a byte limit; later output is
 * counted and dropped. Thread-safe (a command module's {@code _start} may print concurrently).
 */
final class BoundedLog {

  private final int limit;
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
  private long dropped;

  BoundedLog(int limit) {
    this.limit = limit;
  }

  synchronized void append(byte[] b, int off, int len) {
    int room = Math.max(0, limit - buf.size());
    int n = Math.min(room, len);
    buf.write(b, off, n);
    dropped += len - n;
  }

  void line(byte[] b) {
    synchronized (this) {
      append(b, 0, b.length);
      append(new byte[] {'\n'}, 0, 1);
    }
  }

  /** An output stream writing into this log. */
  OutputStream stream() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        append(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        append(b, off, len);
      }
    };
  }

  synchronized String text() {
    String s = buf.toString(StandardCharsets.UTF_8);
    return dropped == 0 ? s : s + "\n[" + dropped + " bytes of guest output dropped]\n";
  }
}
