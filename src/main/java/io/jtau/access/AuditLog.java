package io.jtau.access;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

/**
 * The append-only audit log on Xodus with durable writes: {@link #append} returns once the entry is
 * on disk. There is no update and no delete. Texts pass through the {@link Redactor} and lose
 * control characters before they are written. Thread-safe; {@code append} blocks on the disk.
 */
public final class AuditLog implements AutoCloseable {

  private static final String ENTRIES = "entries";
  private static final int MAX_TEXT = 512;

  private final Environment env;
  private final Clock clock;
  private final Redactor redactor;

  public AuditLog(Path dir, Clock clock, Redactor redactor) {
    this.clock = clock;
    this.redactor = redactor;
    this.env =
        Environments.newInstance(dir.toFile(), new EnvironmentConfig().setLogDurableWrite(true));
    env.executeInTransaction(txn -> open(txn));
  }

  private Store open(Transaction txn) {
    return env.openStore(ENTRIES, StoreConfig.WITHOUT_DUPLICATES, txn);
  }

  /** Appends one entry durably and returns it with its sequence number. */
  public AuditEntry append(String actor, String action, String project, String detail) {
    AuditEntry[] out = new AuditEntry[1];
    long at = clock.millis();
    String a = clean(actor);
    String ac = clean(action);
    String p = clean(project);
    String d = clean(detail);
    env.executeInExclusiveTransaction(
        txn -> {
          Store s = open(txn);
          long seq = 1;
          try (Cursor c = s.openCursor(txn)) {
            if (c.getLast()) {
              seq = decodeKey(c.getKey()) + 1;
            }
          }
          AuditEntry e = new AuditEntry(seq, at, a, ac, p, d);
          s.put(txn, key(seq), new ArrayByteIterable(encode(e)));
          out[0] = e;
        });
    return out[0];
  }

  /** The newest {@code limit} entries (of {@code project} when not null), oldest first. */
  public List<AuditEntry> list(String project, int limit) {
    int max = Math.max(1, Math.min(limit, 10_000));
    Deque<AuditEntry> newest = new ArrayDeque<>();
    env.executeInReadonlyTransaction(
        txn -> {
          try (Cursor c = open(txn).openCursor(txn)) {
            if (!c.getLast()) {
              return;
            }
            do {
              AuditEntry e = decode(decodeKey(c.getKey()), c.getValue());
              if (project == null || e.project().equals(project)) {
                newest.addFirst(e);
              }
            } while (newest.size() < max && c.getPrev());
          }
        });
    return new ArrayList<>(newest);
  }

  private String clean(String s) {
    if (s == null) {
      return "";
    }
    String r = redactor.redact(s);
    StringBuilder b = new StringBuilder(Math.min(r.length(), MAX_TEXT));
    for (int i = 0; i < r.length() && b.length() < MAX_TEXT; i++) {
      char c = r.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return b.toString();
  }

  private static ByteIterable key(long seq) {
    return new ArrayByteIterable(ByteBuffer.allocate(8).putLong(seq).array());
  }

  private static long decodeKey(ByteIterable k) {
    return ByteBuffer.wrap(k.getBytesUnsafe(), 0, 8).getLong();
  }

  private static byte[] encode(AuditEntry e) {
    return String.join(
            "\n", "v1", Long.toString(e.atMillis()), e.actor(), e.action(), e.project(), e.detail())
        .getBytes(StandardCharsets.UTF_8);
  }

  private static AuditEntry decode(long seq, ByteIterable v) {
    String[] f =
        new String(v.getBytesUnsafe(), 0, v.getLength(), StandardCharsets.UTF_8).split("\n", -1);
    return new AuditEntry(seq, Long.parseLong(f[1]), f[2], f[3], f[4], f[5]);
  }

  @Override
  public void close() {
    env.close();
  }
}
