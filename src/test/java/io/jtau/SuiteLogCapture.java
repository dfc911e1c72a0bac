package io.jtau;

import io.jtau.access.Tokens;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Captures every log line of a whole test run (unit tests in Surefire's JVM, end-to-end tests in
 * Failsafe's) and remembers each one that holds the run's canary secret or anything shaped like a
 * token. Registered as a JUnit Platform {@link LauncherSessionListener} (META-INF/services), so it
 * is installed on the root logger before the first test class and before the node starts; the
 * node's log redaction, which puts itself first on the root logger, therefore runs before it and
 * what it sees is what the console and log files see. {@link SuiteLogCheckTest} and {@link
 * SuiteLogCheckIT}, ordered last by {@link SuiteOrder}, fail the run when a line leaked.
 *
 * <p>The canary is one random value per JVM, kept in the system property {@value #PROPERTY}; tests
 * that feed secrets to the node (repository tokens, webhook secrets, database keys, bogus
 * credentials) use {@link #canary()} so the final check covers all of them. Thread-safe.
 */
public final class SuiteLogCapture implements LauncherSessionListener {

  /** The system property holding this JVM's canary secret. */
  public static final String PROPERTY = "test.jtau.canary";

  private static final int KEEP = 50;

  /** The handler on the root logger. */
  public static final class Capture extends Handler {
    private final String canary;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong leaks = new AtomicLong();
    private final List<String> kept = new ArrayList<>();

    Capture(String canary) {
      this.canary = canary;
    }

    @Override
    public void publish(LogRecord r) {
      if (r == null) {
        return;
      }
      lines.incrementAndGet();
      String text = text(r);
      if (text.contains(canary) || Tokens.PATTERN.matcher(text).find()) {
        leaks.incrementAndGet();
        synchronized (kept) {
          if (kept.size() < KEEP) {
            kept.add(r.getLoggerName() + ": " + text);
          }
        }
      }
    }

    private static String text(LogRecord r) {
      StringBuilder b = new StringBuilder();
      if (r instanceof ExtLogRecord e) {
        b.append(e.getFormattedMessage());
      } else {
        String m = r.getMessage();
        Object[] p = r.getParameters();
        b.append(
            p == null || p.length == 0
                ? m
                : new java.util.logging.SimpleFormatter().formatMessage(r));
      }
      int depth = 0;
      for (Throwable t = r.getThrown(); t != null && depth < 20; t = t.getCause(), depth++) {
        b.append(" | ").append(t);
        for (Throwable s : t.getSuppressed()) {
          b.append(" | suppressed ").append(s);
        }
      }
      return b.toString();
    }

    /** How many log lines were seen. */
    public long lines() {
      return lines.get();
    }

    /** How many lines held the canary or a token. */
    public long leaks() {
      return leaks.get();
    }

    /** The first leaking lines (at most 50). */
    public List<String> leaked() {
      synchronized (kept) {
        return List.copyOf(kept);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /** This JVM's canary secret, created on first use. */
  public static String canary() {
    return (String)
        System.getProperties()
            .computeIfAbsent(
                PROPERTY,
                k ->
                    "jtau-canary-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12)));
  }

  /** The capture installed on the root logger, or null when none is (or it was removed). */
  public static Capture installed() {
    for (Handler h : Logger.getLogger("").getHandlers()) {
      if (h instanceof Capture c) {
        return c;
      }
    }
    return null;
  }

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (installed() == null) {
      Logger.getLogger("").addHandler(new Capture(canary()));
    }
  }
}
