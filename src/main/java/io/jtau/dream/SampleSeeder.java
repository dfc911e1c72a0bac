package io.jtau.dream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;

/**
 * Writes a folder of sample files as the first commit of a bare repository, straight into its
 * object database (no working tree), replacing the sample's generated-domain suffix with the
 * cloud's own. Does nothing when the branch already has a commit, so a restarted dream keeps the
 * user's pushes.
 */
public final class SampleSeeder {

  /** The generated-domain suffix the samples are written for. */
  public static final String SAMPLE_SUFFIX = "g.dream.localhost";

  private SampleSeeder() {}

  /** Seeds {@code folder} into {@code repo} on {@code branch}; true when a commit was written. */
  public static boolean seed(Repository repo, Path folder, String branch, String generatedSuffix)
      throws IOException {
    if (repo.exactRef(Constants.R_HEADS + branch) != null) {
      return false;
    }
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          String rel = folder.relativize(p).toString().replace('\\', '/');
          byte[] bytes = Files.readAllBytes(p);
          if (!SAMPLE_SUFFIX.equals(generatedSuffix) && isText(rel)) {
            bytes =
                new String(bytes, StandardCharsets.UTF_8)
                    .replace(SAMPLE_SUFFIX, generatedSuffix)
                    .getBytes(StandardCharsets.UTF_8);
          }
          files.put(rel, bytes);
        }
      }
    }
    try (ObjectInserter ins = repo.newObjectInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder b = index.builder();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        DirCacheEntry e = new DirCacheEntry(f.getKey());
        e.setFileMode(FileMode.REGULAR_FILE);
        e.setObjectId(ins.insert(Constants.OBJ_BLOB, f.getValue()));
        b.add(e);
      }
      b.finish();
      ObjectId tree = index.writeTree(ins);
      PersonIdent who = new PersonIdent("jtau dream", "dream@jtau.local");
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(tree);
      c.setAuthor(who);
      c.setCommitter(who);
      c.setMessage("Sample project from jtau dream\n");
      ObjectId commit = ins.insert(c);
      ins.flush();
      RefUpdate ru = repo.updateRef(Constants.R_HEADS + branch);
      ru.setNewObjectId(commit);
      ru.setExpectedOldObjectId(ObjectId.zeroId());
      RefUpdate.Result r = ru.update();
      if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FAST_FORWARD) {
        throw new IOException("cannot create branch " + branch + ": " + r);
      }
      RefUpdate head = repo.updateRef(Constants.HEAD);
      head.link(Constants.R_HEADS + branch);
    }
    return true;
  }

  private static boolean isText(String path) {
    return path.endsWith(".yaml")
        || path.endsWith(".yml")
        || path.endsWith(".wat")
        || path.endsWith(".md")
        || path.endsWith(".html")
        || path.endsWith(".js");
  }
}
