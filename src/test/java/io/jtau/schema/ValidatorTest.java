package io.jtau.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tau validate} on folders on disk, including the hardened reader's refusals. */
class ValidatorTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Path dir, boolean json) {
    return Validator.run(
        dir,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        json);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void canonicalFixtureIsValid() {
    assertThat(run(Trees.FIXTURES.resolve("canonical"), false)).isZero();
    assertThat(out())
        .isEqualTo("ok: 1 databases, 1 domains, 2 functions, 1 smartops, 1 applications\n");
  }

  @Test
  void problemsOnePerLineAndExitOne(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("config.yaml"), "id: " + Trees.PID + "\n");
    Files.createDirectories(dir.resolve("functions"));
    Files.writeString(
        dir.resolve("functions/ping.yaml"),
        "id: "
            + Trees.CID1
            + "\ntrigger:\n  type: http\n  method: FETCH\n  paths: [/]\n  domains: [x]\n"
            + "source: .\nexecution: {timeout: 1s, memory: 1MB, call: ping}\n");
    assertThat(run(dir, false)).isEqualTo(1);
    assertThat(out())
        .contains(
            "/functions/ping.yaml:4:11 trigger.method: invalid http method: 'FETCH' is not an HTTP method\n")
        .contains(
            "/functions/ping.yaml:6:13 trigger.domains: resolving domains names to IDs failed with not indexed")
        .endsWith("failed: 2 errors, 0 warnings\n");
  }

  @Test
  void jsonOutput() {
    assertThat(run(Trees.FIXTURES.resolve("canonical"), true)).isZero();
    assertThat(out())
        .contains("\"ok\" : true")
        .contains("\"functions\" : 2")
        .contains("\"problems\" : [ ]");
  }

  @Test
  void symlinksAreNotFollowed(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("config.yaml"), "id: " + Trees.PID + "\n");
    Path outside = Files.createTempFile("secret", ".yaml");
    Files.writeString(outside, "id: " + Trees.CID3 + "\nprotocol: /stolen\n");
    Files.createDirectories(dir.resolve("services"));
    Files.createSymbolicLink(dir.resolve("services/s.yaml"), outside);
    assertThat(run(dir, false)).isZero();
    assertThat(out())
        .contains("/services/s.yaml warning: symbolic link not followed; the file is ignored")
        .doesNotContain("1 services");
    Files.delete(outside);
  }

  @Test
  void missingFolder(@TempDir Path dir) {
    assertThat(run(dir.resolve("nope"), false)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a directory");
  }
}
