package io.jtau.schema;

import static io.jtau.schema.Trees.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile inputs of reliability.md 1.4 (B6, B11-B14, B17): each becomes a problem, never a crash.
 */
// A hang guard, not a speed check: generous so a loaded machine does not fail it.
@Timeout(300)
class BadInputTest {

  private static CompileResult withFile(String path, byte[] content) {
    return new ConfigCompiler(CompileOptions.defaults())
        .compile(Trees.bytes(project(), path, content));
  }

  private static CompileResult withFile(String path, String content) {
    return withFile(path, content.getBytes(StandardCharsets.UTF_8));
  }

  private static void onlyErrorIn(CompileResult r, String file, String words) {
    assertThat(r.ok()).isFalse();
    assertThat(r.errors())
        .anySatisfy(
            p -> {
              assertThat(p.file()).isEqualTo(file);
              assertThat(p.message()).contains(words);
            });
  }

  @Test
  void billionLaughs() {
    StringBuilder b =
        new StringBuilder(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      char p = (char) (c - 1);
      b.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        b.append(i == 0 ? "" : ",").append('*').append(p);
      }
      b.append("]\n");
    }
    onlyErrorIn(
        withFile("services/bomb.yaml", b.toString()), "/services/bomb.yaml", "invalid YAML");
  }

  @Test
  void aliasBombUnderTheAliasCap() {
    // 2 aliases per level stays under SnakeYAML's cap of 50 but expands to 2^24 nodes.
    StringBuilder b = new StringBuilder("l0: &l0 [x, x]\n");
    for (int i = 1; i <= 24; i++) {
      b.append("l")
          .append(i)
          .append(": &l")
          .append(i)
          .append(" [*l")
          .append(i - 1)
          .append(", *l")
          .append(i - 1)
          .append("]\n");
    }
    onlyErrorIn(withFile("services/bomb.yaml", b.toString()), "/services/bomb.yaml", "alias bomb");
  }

  @Test
  void recursiveAlias() {
    onlyErrorIn(withFile("services/r.yaml", "a: &a [*a]\n"), "/services/r.yaml", "");
  }

  @Test
  void deepNesting() {
    String deep = "a: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
    onlyErrorIn(withFile("services/deep.yaml", deep), "/services/deep.yaml", "invalid YAML");
    String deepMap = "a:\n" + "  b:\n".repeat(5_000);
    assertThat(withFile("services/deep2.yaml", deepMap).ok()).isFalse();
  }

  @Test
  void fiftyMegabyteFile() {
    byte[] big = new byte[50 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) 'a');
    CompileResult r = withFile("services/big.yaml", big);
    assertThat(r.errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/services/big.yaml file is 52428800 bytes; config files are limited to 3145728 bytes");
  }

  @Test
  void binaryGarbageAndNonUtf8() {
    byte[] garbage = new byte[4096];
    new java.util.Random(7).nextBytes(garbage);
    onlyErrorIn(withFile("services/bin.yaml", garbage), "/services/bin.yaml", "not UTF-8");
    byte[] latin1 = "id: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(withFile("services/l.yaml", latin1).errors())
        .extracting(Problem::toString)
        .containsExactly("/services/l.yaml file is not UTF-8 text (invalid byte at offset 7)");
    onlyErrorIn(withFile("services/nul.yaml", "id: a\0b\n"), "/services/nul.yaml", "binary data");
  }

  @Test
  void duplicateKeys() {
    String dup = "id: " + CID3 + "\nprotocol: /a\nprotocol: /b\n";
    assertThat(withFile("services/d.yaml", dup).errors())
        .extracting(Problem::toString)
        .containsExactly("/services/d.yaml:3:1 duplicate key 'protocol'");
  }

  @Test
  void globalTagsAreRefused() {
    String evil =
        "id: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x/\"]]]]\n";
    CompileResult r = withFile("services/e.yaml", evil);
    onlyErrorIn(r, "/services/e.yaml", "");
    assertThat(r.errors().get(0).toString()).containsAnyOf("tag", "Global tag");
    onlyErrorIn(withFile("services/t.yaml", "id: !custom x\n"), "/services/t.yaml", "tag");
  }

  @Test
  void dotSegmentsAndSlashesInNames() {
    Map<String, String> m =
        project(
            "services.yaml",
            "../evil:\n    id: "
                + CID3
                + "\n    protocol: /x\na/b:\n    id: "
                + CID4
                + "\n    protocol: /x\n");
    assertThat(compile(m).errors())
        .extracting(Problem::message)
        .allSatisfy(s -> assertThat(s).startsWith("invalid service name"))
        .hasSize(2);
    Map<String, String> n =
        project("services/s.yaml", "id: " + CID3 + "\nname: ../etc\nprotocol: /x\n");
    assertThat(compile(n).errors()).extracting(Problem::field).containsExactly("name");
    Map<String, String> o =
        project("services/s.yaml", "id: " + CID3 + "\nname: a/b\nprotocol: /x\n");
    assertThat(compile(o).errors()).extracting(Problem::field).containsExactly("name");
  }

  @Test
  void danglingAndSelfReferences() {
    String op =
        "id: "
            + CID3
            + "\ntags: [smartops:op]\nsource: .\nexecution: {timeout: 1s, memory: 1MB, call: f}\n";
    // A smartop's own smartops: tags are not attached (section 8): no loop, no error.
    assertThat(compile(project("smartops/op.yaml", op)).ok()).isTrue();
    String svc = "id: " + CID4 + "\ntags: [smartops:nope]\nprotocol: /x\n";
    assertThat(compile(project("services/s.yaml", svc)).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/services/s.yaml:2:8 tags: services s: resolving smartops tags failed with not indexed: no smartop named \"nope\" in the project");
  }

  @Test
  void negativeAndOverflowingNumbers() {
    String st = "id: " + CID3 + "\nstreaming:\n    size: -1GB\n    ttl: -1s\n";
    assertThat(compile(project("storages/s.yaml", st)).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/storages/s.yaml:3:11 streaming.size: invalid size \"-1GB\": negative sizes are not allowed",
            "/storages/s.yaml:4:10 streaming.ttl: invalid duration \"-1s\": negative durations are not allowed");
    String big = "id: " + CID3 + "\nstreaming:\n    size: 1e400\n    ttl: 99999999h\n";
    assertThat(compile(project("storages/s.yaml", big)).errors())
        .extracting(Problem::message)
        .containsExactly(
            "invalid size \"1e400\": units: unknown unit e in 1e400",
            "invalid duration \"99999999h\": time: invalid duration \"99999999h\"");
  }

  @Test
  void nonMapDocuments() {
    assertThat(compile(project("services/s.yaml", "- a\n- b\n")).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/services/s.yaml:1:1 service 's' must be a map of attributes, found a list");
    assertThat(compile(project("config.yaml", "just text\n")).errors()).isNotEmpty();
    assertThat(compile(project("services/s.yaml", "")).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/services/s.yaml:1:1 id: required attribute 'id'",
            "/services/s.yaml:1:1 protocol: required attribute 'protocol'");
  }

  @Test
  void missingConfigYaml() {
    Map<String, String> m = project();
    m.remove("config.yaml");
    assertThat(compile(m).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/config.yaml id: required attribute 'id': the repository has no config.yaml (it holds the project id)");
  }

  @Test
  void yamlSyntaxErrorHasAPosition() {
    assertThat(compile(project("services/s.yaml", "id: [unclosed\nprotocol: /x\n")).errors())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo("/services/s.yaml");
              assertThat(p.line()).isPositive();
              assertThat(p.message()).startsWith("invalid YAML: ");
            });
  }

  @Test
  void moreThanTheResourceLimitIsAnError() {
    Map<String, String> m = project();
    int perFile = 25_001;
    for (int f = 0; f < 4; f++) {
      m.put("applications/a" + f + "/config.yaml", "id: " + Cids.hash("app" + f) + "\n");
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < perFile; i++) {
        b.append("s")
            .append(i)
            .append(": {id: ")
            .append(Cids.hash(f + "/" + i))
            .append(", protocol: /x}\n");
      }
      m.put("applications/a" + f + "/services.yaml", b.toString());
    }
    CompileResult r = compile(m);
    assertThat(r.errors())
        .extracting(Problem::toString)
        .containsExactly("/ the repository defines 100004 resources; at most 100000 are allowed");
  }
}
