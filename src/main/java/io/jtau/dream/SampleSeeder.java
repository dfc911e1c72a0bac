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
 * user's pushes; {@link #reset} forces the branch back. Not thread-safe per repository: callers
 * serialise seeding of one repository.
 */
public final class SampleSeeder {

  /** The generated-domain suffix the samples are written for. */
  public static final String SAMPLE_SUFFIX = "g.dream.localhost";

  private SampleSeeder() {}

  /**
   * The author and committer time of every seed commit. Fixed so that seeding the same folder for
   * the same cloud always writes the same commit: a reset lands on the very revision the dream
   * first served (its snapshot and builds are still stored, nothing is rebuilt).
   */
  static final java.time.Instant SEED_TIME = java.time.Instant.parse("2026-01-01T00:00:00Z");

  /** Seeds {@code folder} into {@code repo} on {@code branch}; true when a commit was written. */
  public static boolean seed(Repository repo, Path folder, String branch, String generatedSuffix)
      throws IOException {
    if (repo.exactRef(Constants.R_HEADS + branch) != null) {
      return false;
    }
    point(repo, branch, commit(repo, folder, generatedSuffix), ObjectId.zeroId());
    return true;
  }

  /**
   * Puts {@code repo} back to its seeded state: {@code branch} points (forced) at the seed commit
   * of {@code folder} and every other branch is deleted. Tags and the objects of the user's commits
   * stay (unreachable objects are harmless). Idempotent; returns the seed commit.
   */
  public static ObjectId reset(Repository repo, Path folder, String branch, String generatedSuffix)
      throws IOException {
    ObjectId seed = commit(repo, folder, generatedSuffix);
    for (var ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
      if (!ref.getName().equals(Constants.R_HEADS + branch)) {
        RefUpdate del = repo.updateRef(ref.getName());
        del.setForceUpdate(true);
        RefUpdate.Result r = del.delete();
        if (r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE) {
          throw new IOException("cannot delete " + ref.getName() + ": " + r);
        }
      }
    }
    var current = repo.exactRef(Constants.R_HEADS + branch);
    point(repo, branch, seed, current == null ? ObjectId.zeroId() : current.getObjectId());
    return seed;
  }

  /** Writes the folder as one root commit (objects only) and returns its id. */
  private static ObjectId commit(Repository repo, Path folder, String generatedSuffix)
      throws IOException {
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
      PersonIdent who =
          new PersonIdent("jtau dream", "dream@jtau.local", SEED_TIME, java.time.ZoneOffset.UTC);
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(tree);
      c.setAuthor(who);
      c.setCommitter(who);
      c.setMessage("Sample project from jtau dream\n");
      ObjectId commit = ins.insert(c);
      ins.flush();
      return commit;
    }
  }

  /** Moves {@code branch} from {@code expected} to {@code commit} and points HEAD at it. */
  private static void point(Repository repo, String branch, ObjectId commit, ObjectId expected)
      throws IOException {
    RefUpdate ru = repo.updateRef(Constants.R_HEADS + branch);
    ru.setNewObjectId(commit);
    ru.setExpectedOldObjectId(expected);
    ru.setForceUpdate(true);
    RefUpdate.Result r = ru.update();
    if (r != RefUpdate.Result.NEW
        && r != RefUpdate.Result.FAST_FORWARD
        && r != RefUpdate.Result.FORCED
        && r != RefUpdate.Result.NO_CHANGE) {
      throw new IOException("cannot move branch " + branch + ": " + r);
    }
    RefUpdate head = repo.updateRef(Constants.HEAD);
    head.link(Constants.R_HEADS + branch);
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
