package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeding and resetting a bare repository from a sample folder, on a real JGit repository. */
class SampleSeederTest {

  @TempDir Path tmp;

  private Repository bare() throws Exception {
    Repository r = new FileRepositoryBuilder().setGitDir(tmp.resolve("r.git").toFile()).build();
    r.create(true);
    return r;
  }

  private Path sample() throws Exception {
    Path dir = tmp.resolve("sample");
    Files.createDirectories(dir.resolve("domains"));
    Files.writeString(dir.resolve("domains/d.yaml"), "fqdn: x-abcdefgh.g.dream.localhost\n");
    return dir;
  }

  private static ObjectId commitOn(Repository r, String branch, String message) throws Exception {
    ObjectId parent = r.resolve(Constants.R_HEADS + "main");
    try (ObjectInserter ins = r.newObjectInserter();
        RevWalk walk = new RevWalk(r)) {
      CommitBuilder c = new CommitBuilder();
      c.setTreeId(walk.parseCommit(parent).getTree());
      c.setParentId(parent);
      PersonIdent who = new PersonIdent("user", "user@example.com");
      c.setAuthor(who);
      c.setCommitter(who);
      c.setMessage(message);
      ObjectId id = ins.insert(c);
      ins.flush();
      RefUpdate ru = r.updateRef(Constants.R_HEADS + branch);
      ru.setNewObjectId(id);
      ru.forceUpdate();
      return id;
    }
  }

  private static String file(Repository r, String path) throws Exception {
    try (RevWalk walk = new RevWalk(r)) {
      var tree = walk.parseCommit(r.resolve(Constants.R_HEADS + "main")).getTree();
      try (TreeWalk tw = TreeWalk.forPath(r, path, tree)) {
        return new String(r.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  @Test
  void seedingTwiceWritesOnceAndReplacesTheGeneratedSuffix() throws Exception {
    try (Repository r = bare()) {
      assertThat(SampleSeeder.seed(r, sample(), "main", "g.dev.example.com")).isTrue();
      ObjectId first = r.resolve("refs/heads/main");
      assertThat(SampleSeeder.seed(r, sample(), "main", "g.dev.example.com")).isFalse();
      assertThat(r.resolve("refs/heads/main")).isEqualTo(first);
      assertThat(file(r, "domains/d.yaml")).isEqualTo("fqdn: x-abcdefgh.g.dev.example.com\n");
    }
  }

  @Test
  void resetLandsOnTheVeryFirstSeedCommitAndDropsOtherBranches() throws Exception {
    try (Repository r = bare()) {
      SampleSeeder.seed(r, sample(), "main", SampleSeeder.SAMPLE_SUFFIX);
      ObjectId seed = r.resolve("refs/heads/main");
      commitOn(r, "main", "user change");
      commitOn(r, "feature", "a branch");
      assertThat(r.resolve("refs/heads/main")).isNotEqualTo(seed);

      ObjectId back = SampleSeeder.reset(r, sample(), "main", SampleSeeder.SAMPLE_SUFFIX);

      assertThat(back).isEqualTo(seed);
      assertThat(r.resolve("refs/heads/main")).isEqualTo(seed);
      assertThat(r.exactRef("refs/heads/feature")).isNull();
      assertThat(r.exactRef(Constants.HEAD).getTarget().getName()).isEqualTo("refs/heads/main");
      // Idempotent.
      assertThat(SampleSeeder.reset(r, sample(), "main", SampleSeeder.SAMPLE_SUFFIX))
          .isEqualTo(seed);
    }
  }

  @Test
  void resetOfAnEmptyRepositorySeedsIt() throws Exception {
    try (Repository r = bare()) {
      ObjectId seed = SampleSeeder.reset(r, sample(), "main", SampleSeeder.SAMPLE_SUFFIX);
      assertThat(r.resolve("refs/heads/main")).isEqualTo(seed);
    }
  }
}
