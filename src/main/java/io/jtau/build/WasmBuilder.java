package io.jtau.build;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.util.Map;
import java.util.Optional;

/**
 * Takes a prebuilt module as it is: {@code main.wasm}, or the legacy {@code artifact.wasm}. Checks
 * the Wasm magic and version so that garbage fails at build time, not on a request.
 */
public final class WasmBuilder implements LanguageBuilder {

  private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

  @Override
  public String id() {
    return "wasm";
  }

  @Override
  public String toolchain() {
    return "prebuilt";
  }

  @Override
  public boolean accepts(RepoTree sources) {
    return find(sources).isPresent();
  }

  @Override
  public byte[] build(RepoTree sources, Map<String, String> settings, StringBuilder log)
      throws BuildFailure {
    RepoFile f = find(sources).orElseThrow(() -> new BuildFailure("no main.wasm"));
    byte[] bytes = f.content();
    if (bytes.length < MAGIC.length) {
      throw new BuildFailure(f.path() + ": not a WebAssembly module (too short)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new BuildFailure(f.path() + ": not a WebAssembly module (bad magic or version)");
      }
    }
    log.append("prebuilt ").append(f.path()).append(" (").append(bytes.length).append(" bytes)\n");
    return bytes;
  }

  private static Optional<RepoFile> find(RepoTree sources) {
    return sources.file("main.wasm").or(() -> sources.file("artifact.wasm"));
  }
}
