package io.jtau.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jtau.TestGit;
import io.jtau.model.RepoTree;
import io.jtau.port.Builder;
import io.jtau.port.SourceRepository;
import io.jtau.source.JGitSourceRepository;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every hostile input of issue 7, through the real service and sandbox. */
class BadInputTest {

  @TempDir Path dir;
  BuildFixture f;

  BuildFixture fixture(Sandbox.Limits limits) throws Exception {
    f = new BuildFixture(dir, limits, BuildJobs.Limits.defaults(), false);
    return f;
  }

  @AfterEach
  void close() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static void needBwrap() {
    assumeTrue(Sandbox.findBwrap().isPresent(), "bubblewrap (bwrap) is not installed");
  }

  Builder.Failed fails(String kind, RepoTree tree) {
    Builder.Result r = f.service.build(BuildFixture.request("p", "x", kind, tree, Map.of()));
    assertThat(r).as(r::toString).isInstanceOf(Builder.Failed.class);
    return (Builder.Failed) r;
  }

  BuildJobs.Job lastJob() {
    return f.jobs.list(java.util.Optional.empty()).get(0);
  }

  @Test
  void workflowStepNamingAParentPathIsRejectedBeforeAnythingRuns() throws Exception {
    fixture(Sandbox.Limits.defaults());
    RepoTree tree =
        BuildFixture.tree(".taubyte/config.yaml", "workflow:\n  - ../../x\n", "x.sh", "touch /x\n");
    assertThat(fails("function", tree).message())
        .contains(".taubyte/config.yaml:2:5: workflow step '../../x' is not a valid step name")
        .contains("(build job b-");
  }

  @Test
  void missingMainWasmIsNamed() throws Exception {
    needBwrap();
    fixture(Sandbox.Limits.defaults());
    Builder.Failed fail = fails("function", BuildFixture.workflow("echo done; touch $OUT/other\n"));
    assertThat(fail.message())
        .contains(
            "the build wrote no main.wasm (or legacy artifact.wasm) in $OUT; it wrote [other]");
  }

  @Test
  void legacyArtifactWasmIsAccepted() throws Exception {
    needBwrap();
    fixture(Sandbox.Limits.defaults());
    Builder.Result r =
        f.service.build(
            BuildFixture.request(
                "p",
                "x",
                "function",
                BuildFixture.workflow(
                    "printf '\\000asm\\001\\000\\000\\000' > $OUT/artifact.wasm\n"),
                Map.of()));
    assertThat(r).as(r::toString).isInstanceOf(Builder.Built.class);
    assertThat(f.store.read(((Builder.Built) r).artifact()))
        .containsExactly(0, 'a', 's', 'm', 1, 0, 0, 0);
  }

  @Test
  void emptyWebsiteOutputFails() throws Exception {
    needBwrap();
    fixture(Sandbox.Limits.defaults());
    assertThat(fails("website", BuildFixture.workflow("mkdir -p $OUT/empty-folder\n")).message())
        .contains("the website build wrote nothing in $OUT (empty output)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "../../../../etc", "/"})
  void outputSymlinkLeavingTheFolderIsRefusedAndNamed(String target) throws Exception {
    needBwrap();
    fixture(Sandbox.Limits.defaults());
    String script = "echo hi > $OUT/index.html\nln -s " + target + " $OUT/escape\n";
    assertThat(fails("website", BuildFixture.workflow(script)).message())
        .contains("$OUT/escape: symbolic link to " + target + " points outside the output folder");
  }

  @Test
  void websiteArchiveHoldsExactlyTheOutputFilesWithSafeNames() throws Exception {
    needBwrap();
    fixture(Sandbox.Limits.defaults());
    String script =
        "mkdir -p $OUT/a/b\necho 1 > $OUT/index.html\necho 2 > $OUT/a/b/..x\necho 3 > $OUT/...\n"
            + "ln -s index.html $OUT/home.html\n";
    Builder.Result r =
        f.service.build(
            BuildFixture.request("p", "site", "website", BuildFixture.workflow(script), Map.of()));
    assertThat(r).as(r::toString).isInstanceOf(Builder.Built.class);
    List<String> names = new ArrayList<>();
    try (ZipInputStream zip =
        new ZipInputStream(
            new ByteArrayInputStream(f.store.read(((Builder.Built) r).artifact())))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        names.add(e.getName() + "=" + new String(zip.readAllBytes()).strip());
      }
    }
    // An inside link is stored as a copy of its target; names with dots are kept as they are.
    assertThat(names).containsExactly("...=3", "a/b/..x=2", "home.html=1", "index.html=1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "/abs", "a/../b", "a\\b", "./a", "a//b", ""})
  void archiveEntryNamesThatCouldEscapeAreRefused(String name) {
    assertThatThrownBy(() -> Outputs.entryName(name))
        .hasMessage("output path '" + name + "' is not a safe relative path");
  }

  @Test
  void tenGigabyteOutputFailsBeforeItIsArchived() throws Exception {
    needBwrap();
    fixture(BuildFixture.limits(Duration.ofMinutes(2), 64L << 20));
    String script = "echo hi > $OUT/index.html\ntruncate -s 10G $OUT/big.bin\n";
    assertThat(fails("website", BuildFixture.workflow(script)).message())
        .contains(
            "the build output is over the output-size limit of 64.0 MiB ($OUT/big.bin is 10.0"
                + " GiB)");
  }

  @Test
  void aFileOverTheFileSizeLimitStopsTheStep() throws Exception {
    needBwrap();
    fixture(new Sandbox.Limits(Duration.ofMinutes(2), 60, 1L << 20, 64L << 20, 64));
    Builder.Failed fail =
        fails("website", BuildFixture.workflow("head -c 2000000 /dev/zero > $OUT/big.bin\n"));
    assertThat(fail.message())
        .contains("step build: a file grew past the file-size limit of 1048576 bytes");
  }

  @Test
  void aBuildThatForksEndlesslyIsKilledAtItsWallTime() throws Exception {
    needBwrap();
    fixture(BuildFixture.limits(Duration.ofSeconds(3), 64L << 20));
    String script = "while true; do (sleep 4242 &) 2>/dev/null; done\n";
    Builder.Failed fail = fails("function", BuildFixture.workflow(script));
    assertThat(fail.message())
        .contains("timed out: step build: killed at the build's wall-time limit of 3 s");
    assertThat(lastJob().state()).isEqualTo(BuildJobs.State.TIMED_OUT);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.allProcesses().noneMatch(BadInputTest::isSleeper));
  }

  @Test
  void aBuildThatNeverEndsIsKilledAndCancelStopsItEarlier() throws Exception {
    needBwrap();
    fixture(BuildFixture.limits(Duration.ofMinutes(5), 64L << 20));
    RepoTree tree = BuildFixture.workflow("echo started\nsleep 4242\n");
    Builder.Request req = BuildFixture.request("p", "x", "function", tree, Map.of());
    var result = java.util.concurrent.CompletableFuture.supplyAsync(() -> f.service.build(req));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                !f.jobs.list(java.util.Optional.empty()).isEmpty()
                    && f.jobs.log(lastJob().id()).orElseThrow().raw().contains("started"));
    f.jobs.cancel(lastJob().id());
    Builder.Result r = result.get(20, TimeUnit.SECONDS);
    assertThat(((Builder.Failed) r).message()).contains("cancelled: ");
    assertThat(lastJob().state()).isEqualTo(BuildJobs.State.CANCELLED);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.allProcesses().noneMatch(BadInputTest::isSleeper));
  }

  static boolean isSleeper(ProcessHandle p) {
    return p.info().commandLine().map(c -> c.contains("sleep 4242")).orElse(false);
  }

  @Test
  void aSymlinkInTheSourcesIsRefusedAndNamed() throws Exception {
    fixture(Sandbox.Limits.defaults());
    try (FileRepository repo = new FileRepository(dir.resolve("code.git").toFile())) {
      repo.create(true);
      String commit =
          TestGit.commit(
              repo,
              "main",
              Map.of(
                  "functions/x/main.wat", TestGit.file("(module)"),
                  "functions/x/secret", TestGit.symlink("/etc/shadow")));
      JGitSourceRepository src = new JGitSourceRepository(repo, "code");
      RepoTree tree = src.read(commit, "functions/x", SourceRepository.ReadLimits.CODE);
      Builder.Failed fail = fails("function", tree);
      assertThat(fail.message())
          .contains("the sources were refused: ")
          .contains("secret")
          .contains("symbolic links are not allowed");
    }
  }

  @Test
  void scriptsAreRefusedWithoutASandboxUnlessAllowed() throws Exception {
    Sandbox none =
        new Sandbox(
            new Sandbox.Config(
                java.util.Optional.empty(),
                false,
                false,
                dir.resolve("work"),
                Sandbox.Limits.defaults()),
            new java.util.Random());
    try (Workspace ws = none.open()) {
      assertThatThrownBy(
              () ->
                  none.run(
                      ws,
                      new Sandbox.Step(
                          "step build", List.of("bash", "x.sh"), Map.of(), false, true, List.of()),
                      new JobControl(),
                      l -> {},
                      System.nanoTime() + 1_000_000_000L))
          .isInstanceOf(Sandbox.Refused.class)
          .hasMessageContaining("bwrap is not installed (apt-get install bubblewrap)")
          .hasMessageContaining("jtau.build.allow-unsandboxed=true");
    }
  }
}
