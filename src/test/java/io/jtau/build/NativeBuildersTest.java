package io.jtau.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import io.jtau.model.RepoTree;
import io.jtau.port.Builder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native builders through the real service, sandbox and toolchains (skipped when absent). */
class NativeBuildersTest {

  @TempDir Path dir;
  BuildFixture f;

  @BeforeEach
  void open() throws Exception {
    f = new BuildFixture(dir);
  }

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  static final String C_HELLO =
      """
      #include "taubyte.h"
      TAU_EXPORT(hello) uint32_t hello(uint32_t event) {
        eventHttpRetCode(event, 200);
        tau_http_write_str(event, "Hello from C!\\n");
        return 0;
      }
      """;

  static List<String> exports(byte[] wasm) {
    WasmModule m = Parser.parse(wasm);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < m.exportSection().exportCount(); i++) {
      out.add(m.exportSection().getExport(i).name());
    }
    return out;
  }

  static List<String> imports(byte[] wasm) {
    WasmModule m = Parser.parse(wasm);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < m.importSection().importCount(); i++) {
      var imp = m.importSection().getImport(i);
      if (imp.importType() == ExternalType.FUNCTION) {
        out.add(imp.module() + "." + imp.name());
      }
    }
    return out;
  }

  Builder.Built built(Builder.Result r) {
    assertThat(r).as(() -> r.toString()).isInstanceOf(Builder.Built.class);
    return (Builder.Built) r;
  }

  byte[] artifact(Builder.Result r) throws Exception {
    return f.store.read(built(r).artifact());
  }

  @Test
  void cFunctionBuildsToAReactorExportingItsCall() throws Exception {
    assumeTrue(Sandbox.findOnPath("clang").isPresent(), "clang is not installed");
    RepoTree src = BuildFixture.tree("main.c", C_HELLO);
    Builder.Request req =
        BuildFixture.request("p", "hello", "function", src, Map.of("call", "hello"));
    long t0 = System.nanoTime();
    Builder.Result r = f.service.build(req);
    long cold = System.nanoTime() - t0;
    byte[] wasm = artifact(r);
    assertThat(exports(wasm)).contains("hello", "memory").doesNotContain("_start");
    assertThat(imports(wasm))
        .containsExactlyInAnyOrder("taubyte/sdk.eventHttpRetCode", "taubyte/sdk.eventHttpWrite");
    assertThat(built(r).cached()).isFalse();
    assertThat(built(r).log()).contains("[info] builder c (").contains("[step] clang:");

    long t1 = System.nanoTime();
    Builder.Result again = f.service.build(req);
    long hit = System.nanoTime() - t1;
    assertThat(built(again).cached()).isTrue();
    assertThat(built(again).artifact()).isEqualTo(built(r).artifact());
    assertThat(f.service.buildsRun()).isEqualTo(1);
    assertThat(f.store.stats().pins()).isGreaterThanOrEqualTo(1);
    System.out.printf("FIGURE c cold build %.1f ms, cache hit %.3f ms%n", cold / 1e6, hit / 1e6);
  }

  @Test
  void cCompileErrorFailsNamingTheFileAndLine() throws Exception {
    assumeTrue(Sandbox.findOnPath("clang").isPresent(), "clang is not installed");
    RepoTree src = BuildFixture.tree("main.c", "int hello(void) {\n  return nope;\n}\n");
    Builder.Result r =
        f.service.build(BuildFixture.request("p", "bad", "function", src, Map.of("call", "hello")));
    assertThat(r).isInstanceOf(Builder.Failed.class);
    Builder.Failed fail = (Builder.Failed) r;
    assertThat(fail.message()).startsWith("function bad: bad: clang failed (exit 1)");
    assertThat(fail.message()).contains("(build job b-");
    assertThat(fail.log()).contains("main.c:2:10: error: use of undeclared identifier 'nope'");
  }

  @Test
  void cCallThatIsNotASymbolIsRefused() throws Exception {
    RepoTree src = BuildFixture.tree("main.c", C_HELLO);
    Builder.Result r =
        f.service.build(
            BuildFixture.request("p", "x", "function", src, Map.of("call", "a,--export-all")));
    assertThat(((Builder.Failed) r).message())
        .contains("execution.call 'a,--export-all' is not a C function name");
  }

  @Test
  void shippedCHeaderIsTheDocumentedOne() throws Exception {
    Path repo = Path.of("runtime/sdk/c/taubyte.h");
    try (var in = CBuilder.class.getResourceAsStream("sdk/taubyte.h")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(repo));
    }
    Path ts = Path.of("runtime/sdk/assemblyscript/taubyte.ts");
    try (var in = CBuilder.class.getResourceAsStream("sdk/taubyte.ts")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(ts));
    }
  }

  @Test
  void assemblyScriptFunctionBuildsWithTheSdkDeclarations() throws Exception {
    assumeTrue(
        Files.isRegularFile(
                BuildFixture.npmCache().resolve("node_modules/assemblyscript/bin/asc.js"))
            || Sandbox.findOnPath("npm").isPresent(),
        "neither the AssemblyScript compiler nor npm is installed");
    RepoTree src =
        BuildFixture.tree(
            "assembly/index.ts",
            """
            import { eventHttpRetCode, writeString } from "./taubyte";
            export function hello(event: u32): u32 {
              eventHttpRetCode(event, 200);
              writeString(event, "Hello from AssemblyScript!\\n");
              return 0;
            }
            """);
    long t0 = System.nanoTime();
    Builder.Result r =
        f.service.build(BuildFixture.request("p", "as", "function", src, Map.of("call", "hello")));
    long cold = System.nanoTime() - t0;
    byte[] wasm = artifact(r);
    assertThat(exports(wasm)).contains("hello", "memory");
    assertThat(imports(wasm))
        .containsExactlyInAnyOrder("taubyte/sdk.eventHttpRetCode", "taubyte/sdk.eventHttpWrite");
    System.out.printf("FIGURE assemblyscript cold build %.1f ms%n", cold / 1e6);
  }

  @Test
  void watColdBuildAndCacheHit() throws Exception {
    RepoTree src =
        BuildFixture.tree(
            "main.wat", Files.readString(Path.of("samples/hello/code/functions/hello/main.wat")));
    Builder.Request req = BuildFixture.request("p", "wat", "function", src, Map.of());
    long t0 = System.nanoTime();
    Builder.Result r = f.service.build(req);
    long cold = System.nanoTime() - t0;
    assertThat(exports(artifact(r))).contains("hello");
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 200; i++) {
      long t = System.nanoTime();
      assertThat(built(f.service.build(req)).cached()).isTrue();
      best = Math.min(best, System.nanoTime() - t);
    }
    System.out.printf(
        "FIGURE wat cold build %.1f ms, cache hit best of 200 %.3f ms%n", cold / 1e6, best / 1e6);
  }

  @Test
  void rustLibraryBuildsWithStdOnly() throws Exception {
    assumeTrue(RustBuilder.debianRustc().isPresent(), "Debian rustc + wasm32 std not installed");
    RepoTree src =
        BuildFixture.tree(
            "src/lib.rs",
            """
            #[no_mangle]
            pub extern "C" fn fib(n: u32) -> u32 {
                if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
            }
            """);
    byte[] wasm =
        artifact(f.service.build(BuildFixture.request("p", "rs", "function", src, Map.of())));
    assertThat(exports(wasm)).contains("fib");
  }

  @Test
  void goFunctionBuildsAsAWasiCommand() throws Exception {
    assumeTrue(GoBuilder.find().isPresent(), "Go 1.23 (bookworm-backports) not installed");
    RepoTree src =
        BuildFixture.tree(
            "main.go",
            """
            package main

            import "fmt"

            func main() { fmt.Println("hello from go") }
            """);
    byte[] wasm =
        artifact(f.service.build(BuildFixture.request("p", "go", "function", src, Map.of())));
    assertThat(exports(wasm)).contains("_start");
    assertThat(imports(wasm)).anyMatch(i -> i.startsWith("wasi_snapshot_preview1."));
  }

  @Test
  void javascriptFunctionIsBundledWithItsHeader() throws Exception {
    RepoTree src = BuildFixture.tree("index.js", "export function hello() { return 1; }\n");
    byte[] js =
        artifact(f.service.build(BuildFixture.request("p", "js", "function", src, Map.of())));
    assertThat(new String(js, StandardCharsets.UTF_8))
        .isEqualTo("// jtau-js 1\nexport function hello() { return 1; }\n");
  }

  @Test
  void staticWebsiteIsItsSourcesWithoutTheBuildFolder() throws Exception {
    assumeTrue(Sandbox.findBwrap().isPresent(), "bubblewrap (bwrap) is not installed");
    RepoTree src =
        BuildFixture.tree(
            "index.html", "<h1>hi</h1>", "css/site.css", "h1{}", ".taubyte/config.yaml", "");
    byte[] zip =
        artifact(f.service.build(BuildFixture.request("p", "site", "website", src, Map.of())));
    assertThat(zipNames(zip)).containsExactly("css/site.css", "index.html");
  }

  @Test
  void npmWebsiteRunsItsBuildScriptInTheSandbox() throws Exception {
    assumeTrue(Sandbox.findBwrap().isPresent(), "bubblewrap (bwrap) is not installed");
    assumeTrue(Sandbox.findOnPath("npm").isPresent(), "npm is not installed");
    RepoTree src =
        BuildFixture.tree(
            "package.json",
            "{\"name\":\"site\",\"scripts\":{\"build\":\"mkdir -p dist && echo built >"
                + " dist/index.html\"}}",
            "src/app.js",
            "1");
    byte[] zip =
        artifact(f.service.build(BuildFixture.request("p", "npm", "website", src, Map.of())));
    assertThat(zipNames(zip)).containsExactly("index.html");
  }

  @Test
  void workflowWithTheCImageBuildsAFunction() throws Exception {
    assumeTrue(Sandbox.findBwrap().isPresent(), "bubblewrap (bwrap) is not installed");
    assumeTrue(Sandbox.findOnPath("clang").isPresent(), "clang is not installed");
    RepoTree src =
        BuildFixture.tree(
            ".taubyte/config.yaml",
            "version: 1\nenviroment:\n  image: taubyte/c-wasi\n  variables:\n    NAME: ping\n"
                + "workflow:\n  - build\n",
            ".taubyte/build.sh",
            "echo \"building $NAME from $SRC into $OUT\"\n"
                + "$CC $CFLAGS -nostartfiles -Wl,--no-entry -Wl,--export=$NAME -o $OUT/main.wasm"
                + " $SRC/ping.c\n",
            "ping.c",
            "int ping(int x) { return x + 1; }\n");
    Builder.Result r = f.service.build(BuildFixture.request("p", "wf", "function", src, Map.of()));
    assertThat(exports(artifact(r))).contains("ping");
    assertThat(built(r).log()).contains("building ping from /src into /out");
  }

  static List<String> zipNames(byte[] zip) throws Exception {
    List<String> names = new ArrayList<>();
    try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName());
      }
    }
    return names;
  }
}
