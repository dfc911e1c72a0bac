package io.jtau.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The bounded, already-validated content of (part of) a repository at one commit: regular files
 * only, keyed by path. Produced by the source reader, which refuses symlinks, paths outside the
 * checkout and oversized content, so consumers do no I/O and need no further checks.
 */
public record RepoTree(String commit, SortedMap<String, RepoFile> files, List<Problem> problems) {
  public RepoTree {
    Objects.requireNonNull(commit, "commit");
    files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    problems = List.copyOf(problems);
  }

  public static RepoTree of(String commit, Map<String, RepoFile> files) {
    return new RepoTree(commit, new TreeMap<>(files), List.of());
  }

  public Optional<RepoFile> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  /** Files below {@code dir} (no trailing slash; empty for the root), keyed by their full path. */
  public SortedMap<String, RepoFile> under(String dir) {
    if (dir.isEmpty()) {
      return files;
    }
    String prefix = dir + "/";
    return files.subMap(prefix, prefix + Character.MAX_VALUE);
  }
}
