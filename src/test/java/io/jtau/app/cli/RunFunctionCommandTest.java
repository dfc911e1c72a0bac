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

  /**
   * Counts its runs in database "visits" and adds a version of file "log" to storage "files";
   * answers "db=N storage=V" (single digits).
   */
  static final String VISIT =
      """
      (module
        (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "newDatabase" (func $db (param i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "databaseGetSize" (func $getSize (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "databaseGet" (func $get (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "databasePut" (func $put (param i32 i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "storageNew" (func $st (param i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "storageAddFile" (func $add (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "visits")
        (data (i32.const 110) "n")
        (data (i32.const 120) "files")
        (data (i32.const 130) "log")
        (data (i32.const 140) "a line")
        (data (i32.const 200) "db=0 storage=0")
        (func $check (param $e i32) (if (local.get $e) (then unreachable)))
        (func (export "visit") (param $ev i32) (result i32)
          (call $check (call $db (i32.const 100) (i32.const 6) (i32.const 16)))
          (if (i32.eqz (call $getSize (i32.load (i32.const 16)) (i32.const 110) (i32.const 1) (i32.const 20)))
            (then (call $check (call $get (i32.load (i32.const 16)) (i32.const 110) (i32.const 1) (i32.const 24)))))
          (i32.store8 (i32.const 24) (i32.add (i32.load8_u (i32.const 24)) (i32.const 1)))
          (call $check (call $put (i32.load (i32.const 16)) (i32.const 110) (i32.const 1) (i32.const 24) (i32.const 1)))
          (call $check (call $st (i32.const 120) (i32.const 5) (i32.const 28)))
          (call $check (call $add (i32.load (i32.const 28)) (i32.const 130) (i32.const 3) (i32.const 32) (i32.const 140) (i32.const 6) (i32.const 0)))
          (i32.store8 (i32.const 203) (i32.add (i32.const 48) (i32.load8_u (i32.const 24))))
          (i32.store8 (i32.const 213) (i32.add (i32.const 48) (i32.load (i32.const 32))))
          (drop (call $write (local.get $ev) (i32.const 200) (i32.const 14) (i32.const 8)))
          (i32.const 0)))
      """;

  @Test
  void aDataDirKeepsDatabasesAndStoragesBetweenRuns(@TempDir Path dir) throws Exception {
    Path wat = Files.writeString(dir.resolve("visit.wat"), VISIT);
    Path data = dir.resolve("data");
    String[] args = {
      "run", "function", "--wasm", wat.toString(), "--call", "visit", "--data-dir", data.toString()
    };

    Run first = run(args);
    Run second = run(args);

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).endsWith("\n\ndb=1 storage=1");
    assertThat(second.out()).endsWith("\n\ndb=2 storage=2");
    assertThat(Files.isDirectory(data.resolve("kv"))).isTrue();
  }

  @Test
  void withoutADataDirEveryRunStartsEmpty(@TempDir Path dir) throws Exception {
    Path wat = Files.writeString(dir.resolve("visit.wat"), VISIT);
    String[] args = {"run", "function", "--wasm", wat.toString(), "--call", "visit"};

    assertThat(run(args).out()).endsWith("\n\ndb=1 storage=1");
    assertThat(run(args).out()).endsWith("\n\ndb=1 storage=1");
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
