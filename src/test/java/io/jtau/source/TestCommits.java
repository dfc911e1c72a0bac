package io.jtau.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Writes commits straight into a bare test repository (nested paths, gitlinks, signing). */
public final class TestCommits {

  private TestCommits() {}

  public static Repository bare(Path dir) throws IOException {
    Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).build();
    r.create(true);
    return r;
  }

  /** Commits {@code files} (name → content; a value "gitlink:<sha>" makes a submodule entry). */
  public static ObjectId commit(
      Repository repo, String branch, Map<String, String> files, String message)
      throws IOException {
    return commit(repo, branch, files, message, null, true);
  }

  /**
   * Commits with an optional signer (payload → armored signature); {@code onTop} false makes a
   * commit with no parent (a force-push rewrite).
   */
  public static ObjectId commit(
      Repository repo,
      String branch,
      Map<String, String> files,
      String message,
      Function<byte[], String> signer,
      boolean onTop)
      throws IOException {
    try (ObjectInserter ins = repo.newObjectInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
        DirCacheEntry e = new DirCacheEntry(f.getKey());
        if (f.getValue().startsWith("gitlink:")) {
          e.setFileMode(FileMode.GITLINK);
          e.setObjectId(ObjectId.fromString(f.getValue().substring(8)));
        } else {
          e.setFileMode(FileMode.REGULAR_FILE);
          e.setObjectId(
              ins.insert(Constants.OBJ_BLOB, f.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        builder.add(e);
      }
      builder.finish();
      ObjectId treeId = index.writeTree(ins);
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(treeId);
      PersonIdent who = new PersonIdent("Test", "test@example.com", 1_700_000_000_000L, 0);
      cb.setAuthor(who);
      cb.setCommitter(who);
      cb.setMessage(message + "\n");
      var head = repo.exactRef(Constants.R_HEADS + branch);
      if (onTop && head != null) {
        cb.setParentId(head.getObjectId());
      }
      if (signer != null) {
        cb.setGpgSignature(
            new GpgSignature(signer.apply(cb.build()).getBytes(StandardCharsets.US_ASCII)));
      }
      ObjectId id = ins.insert(cb);
      ins.flush();
      RefUpdate u = repo.updateRef(Constants.R_HEADS + branch);
      u.setNewObjectId(id);
      u.setForceUpdate(true);
      u.update();
      return id;
    }
  }

  /** Points {@code branch} at an existing commit (a force-push). */
  public static void forcePush(Repository repo, String branch, ObjectId commit) throws IOException {
    RefUpdate u = repo.updateRef(Constants.R_HEADS + branch);
    u.setNewObjectId(commit);
    u.setForceUpdate(true);
    u.update();
  }
}
