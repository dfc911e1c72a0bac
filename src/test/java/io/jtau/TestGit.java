package io.jtau;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;

/** Writes commits straight into a (bare) test repository. */
public final class TestGit {

  private TestGit() {}

  /** A file of a commit: its mode and bytes. */
  public record Entry(FileMode mode, byte[] content) {}

  public static Entry file(String text) {
    return new Entry(FileMode.REGULAR_FILE, text.getBytes(StandardCharsets.UTF_8));
  }

  public static Entry symlink(String target) {
    return new Entry(FileMode.SYMLINK, target.getBytes(StandardCharsets.UTF_8));
  }

  /** Commits exactly these files on top of the branch head (or as a root commit). */
  public static String commit(Repository repo, String branch, Map<String, Entry> files)
      throws Exception {
    try (ObjectInserter ins = repo.newObjectInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder b = index.builder();
      for (var f : new java.util.TreeMap<>(files).entrySet()) {
        DirCacheEntry e = new DirCacheEntry(f.getKey());
        e.setFileMode(f.getValue().mode());
        e.setObjectId(ins.insert(Constants.OBJ_BLOB, f.getValue().content()));
        b.add(e);
      }
      b.finish();
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(index.writeTree(ins));
      Ref head = repo.exactRef(Constants.R_HEADS + branch);
      if (head != null) {
        c.setParentId(head.getObjectId());
      }
      PersonIdent who = new PersonIdent("t", "t@example.com");
      c.setAuthor(who);
      c.setCommitter(who);
      c.setMessage("test commit\n");
      ObjectId id = ins.insert(c);
      ins.flush();
      RefUpdate ru = repo.updateRef(Constants.R_HEADS + branch);
      ru.setNewObjectId(id);
      ru.forceUpdate();
      return id.name();
    }
  }
}
