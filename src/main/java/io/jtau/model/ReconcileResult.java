package io.jtau.model;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens after one reconcile of a key, named by what comes next (never by what went wrong).
 */
public sealed interface ReconcileResult
    permits ReconcileResult.Done,
        ReconcileResult.RequeueAfter,
        ReconcileResult.Stalled,
        ReconcileResult.Waiting,
        ReconcileResult.Transient {

  /** The key reached its desired state; wait for the next trigger. */
  record Done(String revision, boolean changed) implements ReconcileResult {}

  /** Run again after the delay even without a trigger. */
  record RequeueAfter(Duration delay) implements ReconcileResult {
    public RequeueAfter {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /** Invalid input (config, code): no retry until a new commit arrives. */
  record Stalled(String revision, String reason, String message) implements ReconcileResult {}

  /** A dependency is not ready yet: retry after the delay. */
  record Waiting(String reason, String message, Duration retryAfter) implements ReconcileResult {}

  /** Something that may pass (I/O, timeout): retry with backoff and jitter. */
  record Transient(String reason, String message) implements ReconcileResult {}
}
