package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jtau.app.HttpPort;
import io.jtau.app.Node;
import io.jtau.app.PinnedRegistry;
import io.jtau.app.cli.TauCommand;
import io.jtau.model.Cid;
import io.jtau.model.ProjectKey;
import io.jtau.store.FileContentStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Reference counting through a real node (issue #6): commits pushed beyond the history limit leave
 * artifacts only pruned snapshots referenced; {@code tau store gc --node} reclaims exactly those,
 * the current and kept ones still verify, and a force-push back to a kept commit still serves after
 * the collection.
 */
@QuarkusTest
@TestProfile(StoreGcIT.Profile.class)
class StoreGcIT {

  /** Two snapshots kept per branch and two build cache entries, so a few pushes prune. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("jtau.retain-snapshots", "2", "jtau.build.cache-entries", "2");
    }
  }

  static final String PROJECT = "gcp";
  static final String PROJECT_ID = "QmNz3bshzDjJYf6FhzJtHHVnDcAaTahW6hrDs6QzdDsfbV";
  static final String HOST = "gcp-qzddsfbv.g.dream.localhost";

  static String wat(int version) {
    String text = "version " + version;
    return """
        (module
          (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 64) "%s")
          (func (export "hello") (param $ev i32) (result i32)
            (drop (call $write (local.get $ev) (i32.const 64) (i32.const %d) (i32.const 8)))
            (i32.const 0)))
        """
        .formatted(text, text.length());
  }

  @Inject Node node;
  @Inject HttpPort port;
  @Inject Dream dream;

  static void write(Path root, String file, String text) throws Exception {
    Path p = root.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  @Test
  void gcReclaimsArtifactsOfPrunedSnapshotsOnlyAndRollbackStillWorks() throws Exception {
    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    Cloud cloud = new Cloud(node, port, Files.createTempDirectory("jtau-gc-"));
    GitCli git = cloud.git();
    ProjectKey key = new ProjectKey(PROJECT, "main");

    Path config = Files.createTempDirectory(cloud.work(), "gcp-config-");
    write(config, "config.yaml", "id: " + PROJECT_ID + "\nname: " + PROJECT + "\n");
    write(
        config,
        "domains/gcp.yaml",
        "id: QmQ9ki3zbQh7bYhXEp5Hys2vViYaZBxMv5Jywf3s2exEME\nfqdn: " + HOST + "\n");
    write(
        config,
        "functions/hello.yaml",
        """
        id: QmP5CPZtX1kZvLN9Awt3WQbhp3mDb46A1FRN97Tr1WrvRj
        trigger:
            type: https
            method: GET
            paths:
                - /hello
        domains:
            - gcp
        source: .
        execution:
            timeout: 5s
            memory: 16MB
            call: hello
        """);
    Path code = Files.createTempDirectory(cloud.work(), "gcp-code-");
    write(code, "functions/hello/main.wat", wat(1));
    for (Map.Entry<String, Path> repo : Map.of("config", config, "code", code).entrySet()) {
      node.git().create(PROJECT, repo.getKey());
      git.ok(repo.getValue(), "init", "-q", "-b", "main");
      git.ok(repo.getValue(), "add", "-A");
      git.ok(repo.getValue(), "commit", "-qm", "version 1");
      git.ok(repo.getValue(), "push", "-q", cloud.repoUrl(PROJECT, repo.getKey()), "HEAD:main");
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> cloud.body(HOST, "/hello").equals("200 version 1"));
    List<Cid> artifacts = new ArrayList<>();
    artifacts.add(artifact(key));
    int versions = 5;
    for (int v = 2; v <= versions; v++) {
      write(code, "functions/hello/main.wat", wat(v));
      git.ok(code, "commit", "-qam", "version " + v);
      git.ok(code, "push", "-q", cloud.repoUrl(PROJECT, "code"), "HEAD:main");
      String want = "200 version " + v;
      await().atMost(Duration.ofSeconds(60)).until(() -> cloud.body(HOST, "/hello").equals(want));
      artifacts.add(artifact(key));
    }
    FileContentStore store = (FileContentStore) node.store();
    assertThat(artifacts).doesNotHaveDuplicates();
    for (Cid c : artifacts) {
      assertThat(store.has(c)).isTrue();
    }

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TauCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit =
        cli.execute(
            "store",
            "gc",
            "--node",
            "http://127.0.0.1:" + port.get(),
            "--token",
            cloud.operatorToken(),
            "--grace",
            "PT0S");

    assertThat(exit).as(err.toString()).isZero();
    System.out.println("StoreGcIT: tau store gc --node: " + out.toString().strip());
    assertThat(out.toString()).matches("(?s)deleted [1-9][0-9]* blocks \\([1-9][0-9]* bytes\\).*");
    // Versions 1..3 were referenced only by pruned snapshots (2 kept) and evicted cache entries.
    for (int v = 1; v <= versions; v++) {
      Cid c = artifacts.get(v - 1);
      if (v <= versions - 2) {
        assertThat(store.has(c)).as("artifact of pruned version %d", v).isFalse();
      } else {
        assertThat(store.read(c)).as("artifact of kept version %d", v).isNotEmpty();
        assertThat(store.owners(c)).anyMatch(o -> o.startsWith(PinnedRegistry.OWNER_PREFIX));
      }
    }
    assertThat(store.verify().healthy()).isTrue();
    assertThat(cloud.body(HOST, "/hello")).isEqualTo("200 version " + versions);

    // Roll back to the kept previous commit with a force-push: it serves again after the gc.
    git.ok(code, "push", "-q", "-f", cloud.repoUrl(PROJECT, "code"), "HEAD~1:main");
    String previous = "200 version " + (versions - 1);
    await().atMost(Duration.ofSeconds(60)).until(() -> cloud.body(HOST, "/hello").equals(previous));
    assertThat(artifact(key)).isEqualTo(artifacts.get(versions - 2));

    // A bad grace is refused with a reason.
    var bad = cloud.api("POST", "/api/store/gc?grace=soon");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("grace: not an ISO-8601 duration");
  }

  Cid artifact(ProjectKey key) {
    return new Cid(node.registry().current(key).orElseThrow().assets().values().iterator().next());
  }
}
