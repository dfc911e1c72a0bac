package io.jtau.app;

import io.jtau.access.Redactor;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Keeps secrets out of every log line: a handler placed first on the root logger rewrites each
 * record's message (and the messages of its exception chain) through the {@link Redactor} before
 * the console, file or any later handler sees it. It publishes nothing itself. Thread-safe.
 */
final class LogRedaction extends Handler {

  private final Redactor redactor;

  private LogRedaction(Redactor redactor) {
    this.redactor = redactor;
  }

  /** Installs the redaction in front of the root logger's handlers; returns it for removal. */
  static LogRedaction install(Redactor redactor) {
    LogRedaction h = new LogRedaction(redactor);
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    if (root instanceof org.jboss.logmanager.Logger jboss) {
      Handler[] old;
      Handler[] next;
      do {
        old = jboss.getHandlers();
        next = new Handler[old.length + 1];
        next[0] = h;
        System.arraycopy(old, 0, next, 1, old.length);
      } while (!jboss.compareAndSetHandlers(old, next));
    } else {
      Handler[] old = root.getHandlers();
      for (Handler o : old) {
        root.removeHandler(o);
      }
      root.addHandler(h);
      for (Handler o : old) {
        root.addHandler(o);
      }
    }
    return h;
  }

  /** Removes this redaction from the root logger. */
  void uninstall() {
    java.util.logging.Logger.getLogger("").removeHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null) {
      return;
    }
    String formatted;
    if (record instanceof ExtLogRecord ext) {
      formatted = ext.getFormattedMessage();
      String clean = redactor.redact(formatted);
      if (clean != null && !clean.equals(formatted)) {
        ext.setMessage(clean, ExtLogRecord.FormatStyle.NO_FORMAT);
        ext.setParameters(null);
      }
    } else {
      String msg = record.getMessage();
      Object[] params = record.getParameters();
      formatted =
          params == null || params.length == 0
              ? msg
              : new java.util.logging.SimpleFormatter().formatMessage(record);
      String clean = redactor.redact(formatted);
      if (clean != null && !clean.equals(formatted)) {
        record.setMessage(clean);
        record.setParameters(null);
      }
    }
    Throwable t = record.getThrown();
    if (t != null && chainHasSecret(t)) {
      record.setThrown(redacted(t, 0));
    }
  }

  private boolean chainHasSecret(Throwable t) {
    for (int i = 0; t != null && i < 20; i++, t = t.getCause()) {
      if (redactor.containsSecret(t.getMessage()) || redactor.containsSecret(t.toString())) {
        return true;
      }
    }
    return false;
  }

  private Throwable redacted(Throwable t, int depth) {
    RedactedException r =
        new RedactedException(
            t.getClass().getName() + ": " + redactor.redact(String.valueOf(t.getMessage())),
            t.getCause() == null || depth > 20 ? null : redacted(t.getCause(), depth + 1));
    r.setStackTrace(t.getStackTrace());
    return r;
  }

  /** Stands in for an exception whose message held a secret. */
  static final class RedactedException extends RuntimeException {
    RedactedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
