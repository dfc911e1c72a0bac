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
}
