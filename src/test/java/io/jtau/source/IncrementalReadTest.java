package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.TestGit;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import io.jtau.port.SourceRepository.ReadLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.eclipse.jgit.lib.FileMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incremental read (reusing the previous read's blobs) gives exactly what a full read of the
 * same commit gives: same files, same blob ids, same bytes, same problems, whatever the edits.
 */
class IncrementalReadTest {

  @TempDir Path dir;

  /** A read as comparable values: path → blob id and text, then the problems. */
  static List<Object> view(RepoTree t) {
    Map<String, String> files = new TreeMap<>();
    for (RepoFile f : t.files().values()) {
      files.put(f.path(), f.blobId() + " " + new String(f.content(), StandardCharsets.UTF_8));
    }
    return List.of(t.commit(), files, t.problems().stream().map(Object::toString).toList());
  }

  @Test
  void randomEditsReadIncrementallyEqualAFullRead() throws Exception {
    Random random = new Random(42);
    List<ReadLimits> limitsList =
        List.of(
            ReadLimits.CONFIG, new ReadLimits(40, 400, 12), new ReadLimits(1 << 20, 1 << 20, 8));
    try (GitRepositories repos = new GitRepositories(dir)) {
      JGitSourceRepository repo = repos.create("p", "config");
      Map<String, TestGit.Entry> files = new TreeMap<>();
      for (ReadLimits limits : limitsList) {
        for (String path : List.of("", "functions")) {
          RepoTree previousRoot = null;
          for (int step = 0; step < 60; step++) {
            edit(random, files);
            String commit = TestGit.commit(repo.repository(), "main", files);
            RepoTree full = repo.read(commit, path, limits);
            RepoTree incremental = repo.read(commit, path, limits, previousRoot);
            assertThat(view(incremental))
                .as("step %d, path '%s', limits %s, files %s", step, path, limits, files.keySet())
                .isEqualTo(view(full));
            previousRoot = incremental;
          }
        }
      }
    }
  }

  @Test
  void aPreviousReadOfAnUnknownCommitFallsBackToAFullRead() throws Exception {
    try (GitRepositories repos = new GitRepositories(dir)) {
      JGitSourceRepository repo = repos.create("p", "config");
      String commit =
          TestGit.commit(repo.repository(), "main", Map.of("config.yaml", TestGit.file("id: x\n")));
      RepoTree stranger =
          RepoTree.of(
              "0123456789012345678901234567890123456789",
              Map.of("old.yaml", new RepoFile("old.yaml", "", new byte[0])));
      RepoTree read = repo.read(commit, "", ReadLimits.CONFIG, stranger);
      assertThat(view(read)).isEqualTo(view(repo.read(commit, "", ReadLimits.CONFIG)));
    }
  }

  /** One to three random edits: add, change, delete, make executable, symlink, file ↔ folder. */
  private static void edit(Random random, Map<String, TestGit.Entry> files) {
    int edits = 1 + random.nextInt(3);
    for (int i = 0; i < edits; i++) {
      String path =
          random.nextInt(4) == 0
              ? "functions/f" + random.nextInt(20) + ".yaml"
              : List.of("config.yaml", "functions/a.yaml", "functions/b.yaml", "functions/x/c.yaml")
                  .get(random.nextInt(4));
      if (path.startsWith("functions/x/")) {
        files.remove("functions/x");
      }
      int what = random.nextInt(10);
      if (what < 4) {
        files.put(
            path,
            TestGit.file("v: " + random.nextInt(1000) + "\n" + "x".repeat(random.nextInt(60))));
      } else if (what < 6) {
        files.remove(path);
      } else if (what == 6) {
        files.put(
            path,
            new TestGit.Entry(FileMode.EXECUTABLE_FILE, "run\n".getBytes(StandardCharsets.UTF_8)));
      } else if (what == 7 && random.nextInt(3) == 0) {
        files.put(path, TestGit.symlink("/etc/passwd"));
      } else if (what == 8) {
        // A file becomes a folder (or the folder's file appears next to a removed file).
        files.remove("functions/x/c.yaml");
        files.put("functions/x", TestGit.file("now a file\n"));
      } else {
        files.remove("functions/x");
        files.put("functions/x/c.yaml", TestGit.file("c: " + random.nextInt(9) + "\n"));
      }
    }
    if (files.isEmpty()) {
      files.put("config.yaml", TestGit.file("id: x\n"));
    }
  }
}
