package io.jtau.port;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells long work (a reconcile, a build) that its result is no longer wanted, for example because a
 * newer commit arrived. Cooperative: the work polls {@link #isCancelled()} or registers a callback
 * with {@link #onCancel(Runnable)} (e.g. to kill a build process); nothing is interrupted by force.
 * Thread-safe; cancelling twice keeps the first reason.
 */
public final class CancellationToken {

  /** A token that is never cancelled. */
  public static final CancellationToken NONE = new CancellationToken(false);

  private final boolean cancellable;
  private final AtomicReference<String> reason = new AtomicReference<>();
  private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

  private CancellationToken(boolean cancellable) {
    this.cancellable = cancellable;
  }

  /** A fresh token that nobody has cancelled yet. */
  public static CancellationToken create() {
    return new CancellationToken(true);
  }

  /** Cancels the token and runs every registered callback once. Does nothing on {@link #NONE}. */
  public void cancel(String why) {
    if (!cancellable || !reason.compareAndSet(null, why == null ? "cancelled" : why)) {
      return;
    }
    for (Runnable r : callbacks) {
      runQuietly(r);
    }
  }

  /** Whether {@link #cancel} was called. */
  public boolean isCancelled() {
    return reason.get() != null;
  }

  /** Why the token was cancelled, or null. */
  public String reason() {
    return reason.get();
  }

  /**
   * Runs {@code callback} when the token is cancelled (at once when it already is). Callbacks run
   * on the cancelling thread and must not block.
   */
  public void onCancel(Runnable callback) {
    if (!cancellable) {
      return;
    }
    callbacks.add(callback);
    if (isCancelled() && callbacks.remove(callback)) {
      runQuietly(callback);
    }
  }

  /** Throws {@link CancelledException} when cancelled; a cheap check between steps. */
  public void throwIfCancelled() {
    String why = reason.get();
    if (why != null) {
      throw new CancelledException(why);
    }
  }

  private static void runQuietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // A failing callback must not stop the others nor the cancelling thread.
    }
  }

  /** Thrown by {@link #throwIfCancelled()}. */
  public static final class CancelledException extends RuntimeException {
    public CancelledException(String reason) {
      super(reason);
    }
  }
}
