package io.jtau.build;

import java.util.ArrayList;
import java.util.List;

/**
 * Cancellation of one build attempt. Whoever runs a process registers how to stop it; {@link
 * #cancel()} runs every registered action once (and runs actions registered later at once).
 * Thread-safe; {@link #cancel()} is idempotent.
 */
public final class JobControl {

  private final List<Runnable> actions = new ArrayList<>();
  private boolean cancelled;

  /** Asks the attempt to stop. */
  public void cancel() {
    List<Runnable> run;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      run = List.copyOf(actions);
      actions.clear();
    }
    run.forEach(Runnable::run);
  }

  public synchronized boolean cancelled() {
    return cancelled;
  }

  /**
   * Registers an action to run on cancellation; runs it at once if already cancelled. Closing the
   * returned handle unregisters it.
   */
  public AutoCloseable onCancel(Runnable action) {
    synchronized (this) {
      if (!cancelled) {
        actions.add(action);
        return () -> {
          synchronized (JobControl.this) {
            actions.remove(action);
          }
        };
      }
    }
    action.run();
    return () -> {};
  }
}
