package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.TestGit;
import io.jtau.model.RepoTree;
import io.jtau.port.SourceRepository.ReadLimits;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JGitSourceRepositoryTest {

  @TempDir Path dir;

  @Test
  void readsRegularFilesAndReportsSymlinksSubmodulesAndOversizedFiles() throws Exception {
    try (GitRepositories repos = new GitRepositories(dir)) {
      JGitSourceRepository repo = repos.create("p", "config");
      Map<String, TestGit.Entry> files = new LinkedHashMap<>();
      files.put("config.yaml", TestGit.file("id: x\n"));
      files.put("functions/a.yaml", TestGit.file("a: 1\n"));
      files.put("functions/evil.yaml", TestGit.symlink("/etc/passwd"));
      files.put("big.yaml", TestGit.file("x".repeat(2000)));
      String head = TestGit.commit(repo.repository(), "main", files);

      assertThat(repo.head("main")).hasValue(head);
      assertThat(repo.head("nope")).isEmpty();
      RepoTree tree = repo.read(head, "", new ReadLimits(1000, 10_000, 100));
      assertThat(tree.files().keySet()).containsExactly("config.yaml", "functions/a.yaml");
      assertThat(tree.problems())
          .extracting(Object::toString)
          .anySatisfy(p -> assertThat(p).contains("/functions/evil.yaml").contains("symbolic link"))
          .anySatisfy(p -> assertThat(p).contains("/big.yaml").contains("over the limit"));
      RepoTree sub = repo.read(head, "functions", ReadLimits.CONFIG);
      assertThat(sub.files().keySet()).containsExactly("a.yaml");
      assertThat(repo.treeId(head, "functions")).isPresent();
      assertThat(repo.treeId(head, "config.yaml")).isEmpty();
      assertThat(repo.treeId(head, "missing")).isEmpty();
    }
  }

  @Test
  void stopsAtTheFileCountLimit() throws Exception {
    try (GitRepositories repos = new GitRepositories(dir)) {
      JGitSourceRepository repo = repos.create("p", "code");
      Map<String, TestGit.Entry> files = new LinkedHashMap<>();
      for (int i = 0; i < 20; i++) {
        files.put("f" + (100 + i), TestGit.file("x" + i));
      }
      String head = TestGit.commit(repo.repository(), "main", files);
      RepoTree tree = repo.read(head, "", new ReadLimits(1000, 10_000, 5));
      assertThat(tree.files()).hasSize(5);
      assertThat(tree.problems()).singleElement().asString().contains("too many files");
    }
  }

  @Test
  void namesAreValidatedBeforeAnyPathIsBuilt() {
    assertThat(GitRepositories.parse("hello/config.git")).isPresent();
    assertThat(GitRepositories.parse("/hello/code.git/")).isPresent();
    assertThat(GitRepositories.parse("../x/config.git")).isEmpty();
    assertThat(GitRepositories.parse("hello/../config.git")).isEmpty();
    assertThat(GitRepositories.parse("Hello/config.git")).isEmpty();
    assertThat(GitRepositories.parse("a/b/config.git")).isEmpty();
    assertThat(GitRepositories.parse("hello/config")).isEmpty();
    try (GitRepositories repos = new GitRepositories(dir)) {
      assertThat(repos.find("..", "config")).isEmpty();
    }
  }
}
