package io.jtau.build;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.util.Optional;

/**
 * Takes a prebuilt module as it is: {@code main.wasm}, or the legacy {@code artifact.wasm}. Checks
 * the Wasm magic and version so that garbage fails at build time, not on a request. Pure Java.
 */
public final class WasmBuilder implements LanguageBuilder {

  @Override
  public String id() {
    return "wasm";
  }

  @Override
  public String toolchain() {
    return "prebuilt";
  }

  @Override
  public boolean accepts(String kind, RepoTree sources) {
    return !kind.equals("website") && find(sources).isPresent();
  }

  @Override
  public byte[] build(BuildContext ctx) throws BuildFailure {
    RepoFile f = find(ctx.sources()).orElseThrow(() -> new BuildFailure("no main.wasm"));
    byte[] bytes = Outputs.checkWasm(f.path(), f.content());
    ctx.log().info("prebuilt " + f.path() + " (" + bytes.length + " bytes)");
    return bytes;
  }

  private static Optional<RepoFile> find(RepoTree sources) {
    return sources.file("main.wasm").or(() -> sources.file("artifact.wasm"));
  }
}
