package io.jtau.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunFunctionCommandTest {

  static final String ECHO_BODY =
      """
      (module
        (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "eventHttpHeaderAdd" (func $hdr (param i32 i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "readHttpEventBody" (func $read (param i32 i32 i32 i32) (result i32)))
        (import "env" "_log" (func $log (param i32 i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "content-typeapplication/json")
        (func (export "echo") (param $ev i32) (result i32)
          (drop (call $hdr (local.get $ev) (i32.const 100) (i32.const 12) (i32.const 112) (i32.const 16)))
          (call $log (i32.const 112) (i32.const 16))
          (block $done (loop $more
            (br_if $done (i32.eq (call $read (local.get $ev) (i32.const 1000) (i32.const 64) (i32.const 8)) (i32.const 8)))
            (drop (call $write (local.get $ev) (i32.const 1000) (i32.load (i32.const 8)) (i32.const 12)))
            (br $more)))
          (i32.const 0)))
      """;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = TauCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void runsAWatModuleAndPrintsTheResponse(@TempDir Path dir) throws Exception {
    Path wat = Files.writeString(dir.resolve("echo.wat"), ECHO_BODY);
    Run r =
        run(
            "run",
            "function",
            "--wasm",
            wat.toString(),
            "--call",
            "echo",
            "--method",
            "POST",
            "--path",
            "/x?y=1",
            "--header",
            "X-A: b",
            "--body",
            "{\"a\":1}",
            "--timeout",
            "5s",
            "--memory",
            "16MB");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("200\nContent-Type: application/json\n\n{\"a\":1}");
    assertThat(r.err()).isEqualTo("application/json\n");
  }

  @Test
  void reportsAModuleThatCannotBeLoaded(@TempDir Path dir) throws Exception {
    Path bad = Files.write(dir.resolve("bad.wasm"), new byte[] {0, 'a', 's', 'm', 1});
    Run r = run("run", "function", "--wasm", bad.toString(), "--call", "x");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("cannot load " + bad + ": malformed:");
  }

  @Test
  void parsesDurationsAndSizes() {
    assertThat(RunFunctionCommand.parseDuration("500ms")).isEqualTo(500_000_000L);
    assertThat(RunFunctionCommand.parseDuration("2m")).isEqualTo(120_000_000_000L);
    assertThat(RunFunctionCommand.parseDuration("3")).isEqualTo(3_000_000_000L);
    assertThat(RunFunctionCommand.parseSize("64MB")).isEqualTo(64L << 20);
    assertThat(RunFunctionCommand.parseSize("1GiB")).isEqualTo(1L << 30);
    assertThat(RunFunctionCommand.parseSize("4096")).isEqualTo(4096);
  }

  @Test
  void runsAJavaScriptFunction(@TempDir Path dir) throws Exception {
    Path js =
        Files.writeString(
            dir.resolve("hello.js"),
            "function hello(req, res) {\n"
                + "  res.header('Content-Type', 'text/plain');\n"
                + "  res.write('hello ' + req.query.name[0] + ' via ' + req.method);\n"
                + "}\n");
    Run r =
        run(
            "run",
            "function",
            "--module",
            js.toString(),
            "--call",
            "hello",
            "--path",
            "/?name=ada");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("200\nContent-Type: text/plain\n\nhello ada via GET");
  }

  @Test
  void theDocumentedJavaScriptExampleRuns() {
    Run r =
        run(
            "run",
            "function",
            "--module",
            "docs/examples/notes.js",
            "--call",
            "notes",
            "--method",
            "POST",
            "--path",
            "/?key=a",
            "--body",
            "hello");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "201\nContent-Type: application/json\n\n{\"project\":\"local\",\"keys\":[\"a\"]}");
  }
}
