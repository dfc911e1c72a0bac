package io.jtau.port;

import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.model.Snapshot;
import java.util.List;
import java.util.Optional;

/**
 * Commit-versioned project snapshots with one {@code current} pointer per (project, branch).
 * Thread-safe; every method blocks on storage. Readers see the old or the new state, never a mix.
 */
public interface Registry {

  /**
   * Stores the snapshot and makes it current in one durable transaction. Idempotent: publishing a
   * revision that is already stored only moves {@code current} to it.
   */
  void publish(Snapshot snapshot);

  /** The current snapshot of the key, if any was ever published. */
  Optional<Snapshot> current(ProjectKey key);

  /** A stored snapshot by revision. */
  Optional<Snapshot> snapshot(ProjectKey key, String revision);

  /** The revisions that became current, newest first, at most {@code limit}. */
  List<HistoryEntry> history(ProjectKey key, int limit);

  /** Every key that has a current snapshot. */
  List<ProjectKey> keys();
}
