package io.jtau.build;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Bundles a JavaScript function for the QuickJS-based runtime: the artifact is a UTF-8 JS file
 * whose first line is {@value #HEADER}, followed by the source of {@code index.js} (else {@code
 * main.js}) as it is. Pure Java.
 */
public final class JsBuilder implements LanguageBuilder {

  /** The first line of every JS artifact (the contract with the JS runtime). */
  public static final String HEADER = "// jtau-js 1";

  @Override
  public String id() {
    return "js";
  }

  @Override
  public String toolchain() {
    return "jtau-js-1";
  }

  @Override
  public boolean accepts(String kind, RepoTree sources) {
    return kind.equals("function") && entry(sources).isPresent();
  }

  private static Optional<RepoFile> entry(RepoTree sources) {
    for (String e : List.of("index.js", "main.js")) {
      Optional<RepoFile> f = sources.file(e);
      if (f.isPresent()) {
        return f;
      }
    }
    return Optional.empty();
  }

  @Override
  public byte[] build(BuildContext ctx) throws BuildFailure {
    RepoFile f = entry(ctx.sources()).orElseThrow();
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(f.content()));
    } catch (CharacterCodingException e) {
      throw new BuildFailure(f.path() + ": not UTF-8 text");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(f.content().length + 16);
    out.writeBytes((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(f.content());
    ctx.log().info("bundled " + f.path() + " (" + f.content().length + " bytes)");
    return out.toByteArray();
  }
}
