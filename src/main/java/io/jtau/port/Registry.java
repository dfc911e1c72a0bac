package io.jtau.port;

import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.model.Snapshot;
import java.util.List;
import java.util.Optional;

/**
 * Commit-versioned project snapshots with one {@code current} pointer per (project, branch).
 * Thread-safe; every method blocks on storage. Readers see the old or the new state, never a mix.
 *
 * <p>{@code current} only moves forward: a publication names the revision it expects to replace
 * (compare-and-set, so two runs that finish out of order cannot move it backwards), and a revision
 * that was already current once is only made current again by the explicit {@link #rollback}. A
 * {@code git revert} is a new commit, hence a new revision, and needs neither.
 */
public interface Registry {

  /** Passed as {@code expectedCurrent} to skip the compare-and-set. */
  String ANY = "\0any";

  /** What a conditional publication did. */
  enum Publication {
    /** The snapshot is stored and current. */
    PUBLISHED,
    /** The snapshot was already current; nothing was written. */
    ALREADY_CURRENT,
    /** {@code current} was not the expected revision; nothing was written. */
    CONFLICT,
    /** The revision was current before; only {@link #rollback} may make it current again. */
    OLDER_THAN_CURRENT
  }

  /**
   * Stores the snapshot and makes it current in one durable transaction, if {@code current} is
   * {@code expectedCurrent} ({@code null}: the key has no current yet; {@link #ANY}: no check).
   * Idempotent: publishing the current revision again writes nothing.
   */
  Publication publish(Snapshot snapshot, String expectedCurrent);

  /**
   * Stores the snapshot and makes it current without a compare-and-set.
   *
   * @throws IllegalStateException when the revision was current before (use {@link #rollback})
   */
  default void publish(Snapshot snapshot) {
    if (publish(snapshot, ANY) == Publication.OLDER_THAN_CURRENT) {
      throw new IllegalStateException(
          "revision " + snapshot.revision() + " of " + snapshot.key() + " was current before");
    }
  }

  /**
   * Makes a stored revision current again (an explicit rollback, or a branch force-pushed back to
   * an older commit), if {@code current} is {@code expectedCurrent}. Empty when the revision is not
   * stored (it may have been pruned).
   */
  Optional<Publication> rollback(ProjectKey key, String revision, String expectedCurrent);

  /**
   * Like {@link #rollback(ProjectKey, String, String)} with the snapshot given (for a revision
   * whose stored snapshot was pruned and has been rebuilt): stores it and makes it current even if
   * it was current before.
   */
  Publication rollback(Snapshot snapshot, String expectedCurrent);

  /** The current snapshot of the key, if any was ever published. */
  Optional<Snapshot> current(ProjectKey key);

  /** A stored snapshot by revision. */
  Optional<Snapshot> snapshot(ProjectKey key, String revision);

  /** The revisions that became current, newest first, at most {@code limit}. */
  List<HistoryEntry> history(ProjectKey key, int limit);

  /** Every key that has a current snapshot. */
  List<ProjectKey> keys();
}
