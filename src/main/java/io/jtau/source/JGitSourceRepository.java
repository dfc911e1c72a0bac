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

/**
 * A repository on disk read through JGit's object database only (never a checkout), so no symlink
 * can be followed and no path can leave the repository. Symlinks, submodules and oversized files
 * are left out and reported as problems. Thread-safe.
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
