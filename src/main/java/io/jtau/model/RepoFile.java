package io.jtau.model;

import java.util.Objects;

/**
 * One regular file read from a repository through the hardened reader: its path relative to the
 * repository root (no leading slash, {@code /}-separated), the Git blob id (used as a cache key)
 * and the bytes.
 */
public record RepoFile(String path, String blobId, byte[] content) {
  public RepoFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(blobId, "blobId");
    Objects.requireNonNull(content, "content");
  }
}
