package io.jtau.source;

import io.jtau.model.Problem;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import io.jtau.port.SourceRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * A repository on disk read through JGit's object database only (never a checkout), so no symlink
 * can be followed and no path can leave the repository. Symlinks, submodules and oversized files
 * are left out and reported as problems. Thread-safe.
 *
 * <p>An incremental read ({@link #read(String, String, ReadLimits, RepoTree)}) walks the previous
 * and the new tree side by side and skips every subtree whose id did not change, so a one-file
 * commit loads one blob and a handful of tree objects. Whenever the result could differ from a full
 * read's (the previous read had problems, a changed entry is a symlink or submodule or oversized,
 * or the limits are reached), it falls back to the full read.
 */
public final class JGitSourceRepository implements SourceRepository {

  private final Repository repository;
  private final String displayName;

  public JGitSourceRepository(Repository repository, String displayName) {
    this.repository = repository;
    this.displayName = displayName;
  }

  public Repository repository() {
    return repository;
  }

  @Override
  public Optional<String> head(String branch) {
    try {
      var ref = repository.exactRef(Constants.R_HEADS + branch);
      return ref == null || ref.getObjectId() == null
          ? Optional.empty()
          : Optional.of(ref.getObjectId().name());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read branch " + branch + " of " + displayName, e);
    }
  }

  @Override
  public Optional<String> treeId(String commit, String path) {
    try (RevWalk walk = new RevWalk(repository)) {
      RevTree root = walk.parseCommit(ObjectId.fromString(commit)).getTree();
      if (path.isEmpty()) {
        return Optional.of(root.name());
      }
      try (TreeWalk tw = TreeWalk.forPath(repository, path, root)) {
        if (tw == null || !FileMode.TREE.equals(tw.getFileMode(0))) {
          return Optional.empty();
        }
        return Optional.of(tw.getObjectId(0).name());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + path + " at " + commit + " of " + displayName, e);
    }
  }

  @Override
  public RepoTree read(String commit, String path, ReadLimits limits, RepoTree previous) {
    if (previous == null || !previous.problems().isEmpty()) {
      return read(commit, path, limits);
    }
    if (previous.commit().equals(commit)) {
      return previous;
    }
    try (RevWalk walk = new RevWalk(repository);
        ObjectReader reader = repository.newObjectReader()) {
      Optional<RepoTree> incremental = readChanges(walk, reader, commit, path, limits, previous);
      return incremental.orElseGet(() -> read(commit, path, limits));
    } catch (IOException | IllegalArgumentException e) {
      // The previous commit is unknown here (a rewritten repository): read it all.
      return read(commit, path, limits);
    }
  }

  /** The previous tree with the changed entries applied; empty when a full read is needed. */
  private Optional<RepoTree> readChanges(
      RevWalk walk,
      ObjectReader reader,
      String commit,
      String path,
      ReadLimits limits,
      RepoTree previous)
      throws IOException {
    ObjectId before = startTree(walk, previous.commit(), path);
    ObjectId after = startTree(walk, commit, path);
    if (before == null || after == null) {
      return Optional.empty();
    }
    TreeMap<String, RepoFile> files = new TreeMap<>(previous.files());
    long total = 0;
    for (RepoFile f : files.values()) {
      total += f.content().length;
    }
    try (TreeWalk tw = new TreeWalk(repository, reader)) {
      tw.addTree(before);
      tw.addTree(after);
      tw.setRecursive(true);
      tw.setFilter(TreeFilter.ANY_DIFF);
      while (tw.next()) {
        String rel = tw.getPathString();
        RepoFile old = files.remove(rel);
        if (old != null) {
          total -= old.content().length;
        }
        FileMode mode = tw.getFileMode(1);
        if (FileMode.MISSING.equals(mode)) {
          continue;
        }
        if (FileMode.SYMLINK.equals(mode) || FileMode.GITLINK.equals(mode)) {
          return Optional.empty();
        }
        if (!FileMode.REGULAR_FILE.equals(mode) && !FileMode.EXECUTABLE_FILE.equals(mode)) {
          continue;
        }
        ObjectId blob = tw.getObjectId(1);
        long size = reader.getObjectSize(blob, Constants.OBJ_BLOB);
        if (size > limits.maxFileBytes()) {
          return Optional.empty();
        }
        total += size;
        if (total > limits.maxTotalBytes()) {
          return Optional.empty();
        }
        files.put(
            rel, new RepoFile(rel, blob.name(), reader.open(blob, Constants.OBJ_BLOB).getBytes()));
      }
    }
    if (files.size() > limits.maxFiles() || total > limits.maxTotalBytes()) {
      return Optional.empty();
    }
    return Optional.of(new RepoTree(commit, files, List.of()));
  }

  /** The tree at {@code path} of {@code commit}, or null when that path is not a folder. */
  private ObjectId startTree(RevWalk walk, String commit, String path) throws IOException {
    RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
    if (path.isEmpty()) {
      return c.getTree();
    }
    try (TreeWalk tw = TreeWalk.forPath(repository, path, c.getTree())) {
      if (tw == null || !FileMode.TREE.equals(tw.getFileMode(0))) {
        return null;
      }
      return tw.getObjectId(0);
    }
  }

  @Override
  public RepoTree read(String commit, String path, ReadLimits limits) {
    TreeMap<String, RepoFile> files = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repository);
        ObjectReader reader = repository.newObjectReader()) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
      ObjectId start = c.getTree();
      String base = path;
      if (!path.isEmpty()) {
        try (TreeWalk tw = TreeWalk.forPath(repository, path, c.getTree())) {
          if (tw == null || !FileMode.TREE.equals(tw.getFileMode(0))) {
            return new RepoTree(commit, files, problems);
          }
          start = tw.getObjectId(0);
        }
      }
      long total = 0;
      try (TreeWalk tw = new TreeWalk(repository, reader)) {
        tw.addTree(start);
        tw.setRecursive(true);
        while (tw.next()) {
          String rel = tw.getPathString();
          String shown = "/" + (base.isEmpty() ? rel : base + "/" + rel);
          FileMode mode = tw.getFileMode(0);
          if (FileMode.SYMLINK.equals(mode)) {
            problems.add(Problem.error(shown, 0, 0, "", "symbolic links are not allowed"));
            continue;
          }
          if (FileMode.GITLINK.equals(mode)) {
            problems.add(Problem.error(shown, 0, 0, "", "submodules are not allowed"));
            continue;
          }
          if (!FileMode.REGULAR_FILE.equals(mode) && !FileMode.EXECUTABLE_FILE.equals(mode)) {
            continue;
          }
          if (files.size() >= limits.maxFiles()) {
            problems.add(
                Problem.error(shown, 0, 0, "", "too many files (limit " + limits.maxFiles() + ")"));
            break;
          }
          ObjectId blob = tw.getObjectId(0);
          long size = reader.getObjectSize(blob, Constants.OBJ_BLOB);
          if (size > limits.maxFileBytes()) {
            problems.add(
                Problem.error(
                    shown,
                    0,
                    0,
                    "",
                    "file is " + size + " bytes, over the limit of " + limits.maxFileBytes()));
            continue;
          }
          if (total + size > limits.maxTotalBytes()) {
            problems.add(
                Problem.error(
                    shown,
                    0,
                    0,
                    "",
                    "repository content over " + limits.maxTotalBytes() + " bytes"));
            break;
          }
          total += size;
          ObjectLoader loader = reader.open(blob, Constants.OBJ_BLOB);
          files.put(rel, new RepoFile(rel, blob.name(), loader.getBytes()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + displayName + " at " + commit, e);
    }
    return new RepoTree(commit, files, problems);
  }
}
