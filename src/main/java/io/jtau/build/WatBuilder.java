package io.jtau.build;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds WebAssembly text to a binary module in pure Java (wabt's wat2wasm, compiled to JVM
 * bytecode). Picks {@code main.wat}, else the only {@code .wat} file at the top of the folder.
 */
public final class WatBuilder implements LanguageBuilder {

  @Override
  public String id() {
    return "wat";
  }

  @Override
  public String toolchain() {
    return "chicory-wabt-1.0.0";
  }

  @Override
  public boolean accepts(String kind, RepoTree sources) {
    return !kind.equals("website") && !topLevel(sources, ".wat").isEmpty();
  }

  @Override
  public byte[] build(BuildContext ctx) throws BuildFailure {
    BuildLog log = ctx.log();
    List<RepoFile> wats = topLevel(ctx.sources(), ".wat");
    RepoFile file =
        wats.stream()
            .filter(f -> f.path().equals("main.wat"))
            .findFirst()
            .orElseGet(() -> wats.size() == 1 ? wats.get(0) : null);
    if (file == null) {
      throw new BuildFailure(
          "several .wat files and no main.wat: " + wats.stream().map(RepoFile::path).toList());
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(file.content()))
              .toString();
    } catch (CharacterCodingException e) {
      throw new BuildFailure(file.path() + ": not UTF-8 text");
    }
    log.append(BuildLog.STEP, "wat2wasm " + file.path());
    try {
      byte[] wasm = Wat2Wasm.parse(text);
      log.info("wrote main.wasm (" + wasm.length + " bytes)");
      return wasm;
    } catch (RuntimeException e) {
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
      log.out(msg);
      throw new BuildFailure(file.path() + ": " + msg, e);
    }
  }

  static List<RepoFile> topLevel(RepoTree sources, String suffix) {
    return sources.files().values().stream()
        .filter(f -> !f.path().contains("/") && f.path().endsWith(suffix))
        .toList();
  }
}
