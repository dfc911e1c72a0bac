package io.jtau.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.app.NodeShape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigCommandTest {

  @TempDir Path root;

  record Run(int exit, String out, String err) {}

  static Run tau(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = TauCommand.commandLine().execute(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void generateWritesAValidConfigAndPrivateKeysThatShowNeverPrints() throws Exception {
    Run gen =
        tau(
            "config",
            "generate",
            "--root",
            root.toString(),
            "-s",
            "test",
            "-n",
            "example.com",
            "--services",
            "gateway,git,dns",
            "--ip",
            "127.0.0.1",
            "--bootstrap",
            "10.0.0.2:7800");
    assertThat(gen.exit()).as(gen.err()).isZero();
    Path file = root.resolve("config/test.yaml");
    assertThat(file).exists();
    Path swarm = root.resolve("keys/swarm.key");
    assertThat(Files.getPosixFilePermissions(swarm))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(Files.readString(root.resolve("keys/dv-private.pem"))).contains("BEGIN PRIVATE KEY");
    Path operator = root.resolve("keys/operator.token");
    assertThat(Files.getPosixFilePermissions(operator))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    String operatorToken = Files.readString(operator).strip();
    assertThat(io.jtau.access.Tokens.wellFormed(operatorToken)).isTrue();
    assertThat(gen.out()).doesNotContain(operatorToken);

    NodeShape s = NodeShape.read(file);
    assertThat(s.services()).containsExactly("gateway", "git", "dns");
    assertThat(s.networkFqdn()).isEqualTo("example.com");
    assertThat(s.bootstrap()).containsExactly("10.0.0.2:7800");
    assertThat(s.operatorTokenFile()).isEqualTo(operator.toString());

    assertThat(tau("config", "validate", "--root", root.toString(), "-s", "test").exit()).isZero();
    Run show = tau("config", "show", "--root", root.toString(), "-s", "test");
    assertThat(show.exit()).isZero();
    String secret = Files.readString(swarm).lines().reduce((a, b) -> b).orElseThrow();
    assertThat(show.out())
        .contains("network-fqdn: example.com")
        .contains("operator-token: " + operator)
        .doesNotContain(secret)
        .doesNotContain(operatorToken);
    assertThat(tau("config", "show", "--root", root.toString(), "-s", "test", "--json").out())
        .contains("\"networkFqdn\" : \"example.com\"");

    Run again = tau("config", "generate", "--root", root.toString(), "-s", "test");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("exists");
  }

  @Test
  void validateListsEveryProblemWithTheFileName() throws Exception {
    Files.createDirectories(root.resolve("config"));
    Files.writeString(
        root.resolve("config/bad.yaml"),
        "shape: bad\nservices: [gateway, teleport]\nnetwork-fqdn: Not_A_Domain!\nip: nowhere\n"
            + "ports: {http: 70000}\nbranches: []\n");
    Run r = tau("config", "validate", "--root", root.toString(), "-s", "bad");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("bad.yaml: services: unknown service 'teleport'")
        .contains("network-fqdn")
        .contains("ip: 'nowhere'")
        .contains("ports.http: 70000")
        .contains("branches");
  }

  @Test
  void missingAndMalformedFilesAreClearErrors() throws Exception {
    assertThat(tau("config", "validate", "--root", root.toString(), "-s", "none").err())
        .contains("not found");
    Files.createDirectories(root.resolve("config"));
    Files.writeString(root.resolve("config/x.yaml"), "a: [unclosed\n");
    assertThat(tau("config", "validate", "--root", root.toString(), "-s", "x").err())
        .contains("x.yaml");
    Files.writeString(root.resolve("config/d.yaml"), "a: 1\na: 2\n");
    assertThat(tau("config", "validate", "--root", root.toString(), "-s", "d").err())
        .contains("d.yaml")
        .containsIgnoringCase("duplicate");
    assertThat(tau("config", "validate", "--root", root.toString(), "-s", "../etc").err())
        .contains("invalid shape name");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "valid             | gateway | example.com | 127.0.0.1 | 8080 | ",
        "unknown service   | teleport | example.com | 127.0.0.1 | 8080 | unknown service",
        "upper-case fqdn   | gateway | Example.COM | 127.0.0.1 | 8080 | network-fqdn",
        "port out of range | gateway | example.com | 127.0.0.1 | 65536 | ports.http",
        "not an address    | gateway | example.com | localhost | 8080 | ip:"
      })
  void shapeProblems(
      String name, String service, String fqdn, String ip, int port, String problem) {
    NodeShape s =
        new NodeShape(
            "x",
            List.of(service),
            fqdn,
            ip,
            port,
            53,
            7800,
            List.of(),
            List.of("main"),
            "/d",
            null,
            null,
            null,
            null);
    if (problem == null) {
      assertThat(s.problems()).isEmpty();
    } else {
      assertThat(s.problems()).anySatisfy(p -> assertThat(p).contains(problem));
    }
  }
}
