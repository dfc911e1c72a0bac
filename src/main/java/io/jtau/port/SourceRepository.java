package io.jtau.port;

import io.jtau.model.RepoTree;
import java.util.Optional;

/**
 * Read-only access to one Git repository. Implementations are thread-safe and never follow a
 * symlink or a path outside the repository; reads are bounded by the given limits.
 */
public interface SourceRepository {

  /** The commit id at the head of {@code branch}, or empty if the branch does not exist. */
  Optional<String> head(String branch);

  /** The id of the tree at {@code path} ({@code ""} = root) in {@code commit}, if it exists. */
  Optional<String> treeId(String commit, String path);

  /**
   * The regular files below {@code path} at {@code commit}, read through the hardened reader:
   * entries that break a limit or are not regular files are left out and reported as problems.
   */
  RepoTree read(String commit, String path, ReadLimits limits);

  /**
   * Same result as {@link #read(String, String, ReadLimits)}, but may reuse the files of {@code
   * previous} whose blob ids did not change, so only changed blobs are loaded. {@code previous}
   * must be an earlier result of {@code read} of this repository with the same {@code path} and
   * {@code limits} (or null). The default reads everything.
   */
  default RepoTree read(String commit, String path, ReadLimits limits, RepoTree previous) {
    return read(commit, path, limits);
  }

  /** Bounds for {@link #read}: per-file size, total size and number of files. */
  record ReadLimits(long maxFileBytes, long maxTotalBytes, int maxFiles) {
    public static final ReadLimits CONFIG = new ReadLimits(1 << 20, 64L << 20, 200_000);
    public static final ReadLimits CODE = new ReadLimits(64L << 20, 256L << 20, 50_000);
  }
}
