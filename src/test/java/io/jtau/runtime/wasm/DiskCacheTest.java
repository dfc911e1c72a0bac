package io.jtau.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCacheTest {

  @Test
  void compiledClassesSurviveARestart(@TempDir Path dir) throws Exception {
    try (WasmRuntime first = new WasmRuntime(WasmRuntimeConfig.defaults().withCacheDir(dir))) {
      Guests.compile(first, Guests.HELLO);
    }
    long entries;
    try (Stream<Path> files = Files.walk(dir)) {
      entries = files.filter(p -> p.toString().endsWith(".bin")).count();
    }
    assertThat(entries).isEqualTo(1);

    try (WasmRuntime second = new WasmRuntime(WasmRuntimeConfig.defaults().withCacheDir(dir))) {
      long t0 = System.nanoTime();
      CompiledModule m = Guests.compile(second, Guests.HELLO);
      System.out.printf(
          "compile with a warm disk cache: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
      HttpResponse r = second.invokeHttp(m, Guests.invocation("call"), Guests.get("/"));
      assertThat(r.bodyText()).isEqualTo("hello world");
    }
  }
}
