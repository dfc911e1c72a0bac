package io.jtau.app;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Appends audit entries off the event loop: one thread and a queue of at most 10,000 entries. When
 * the queue is full the entry is dropped, counted ({@link #dropped}) and a warning is logged, so a
 * flood of data reads cannot stall request handling. Thread-safe.
 */
@ApplicationScoped
public class AuditWriter {

  private static final Logger LOG = Logger.getLogger(AuditWriter.class);

  @Inject Node node;

  private final AtomicLong dropped = new AtomicLong();
  private final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(10_000),
          r -> {
            Thread t = new Thread(r, "audit-writer");
            t.setDaemon(true);
            return t;
          });

  /** Queues an entry; never blocks. */
  public void later(String actor, String action, String project, String detail) {
    try {
      executor.execute(
          () -> {
            try {
              node.audit().append(actor, action, project, detail);
            } catch (RuntimeException e) {
              LOG.warnf("audit entry not written: %s", e.getMessage());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      long n = dropped.incrementAndGet();
      LOG.warnf("audit queue full: %d entries dropped so far", n);
    }
  }

  /** Entries dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  void onStop(@Observes ShutdownEvent ev) {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
