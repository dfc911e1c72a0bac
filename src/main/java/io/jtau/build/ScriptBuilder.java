package io.jtau.build;

import io.jtau.build.LanguageBuilder.BuildFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a build file's workflow: each step is {@code bash <folder>/<step>.sh} inside the sandbox,
 * with {@code SRC} and {@code OUT} set, the image's toolchain environment and the build file's
 * variables; a step that exits non-zero stops the build. Functions and libraries then yield {@code
 * $OUT/main.wasm} (legacy {@code artifact.wasm}); websites the whole {@code $OUT} folder.
 * Stateless.
 */
final class ScriptBuilder {

  private final Path npmBin;
  private final String toolchain;

  ScriptBuilder(List<LanguageBuilder> builders) {
    this.npmBin =
        builders.stream()
            .filter(b -> b instanceof AssemblyScriptBuilder)
            .map(b -> ((AssemblyScriptBuilder) b).binDir())
            .findFirst()
            .orElse(Path.of("/nonexistent/node_modules/.bin"));
    this.toolchain =
        Probe.firstLine(List.of("bash", "--version")).orElse("bash absent")
            + "; "
            + Sandbox.findBwrap()
                .flatMap(b -> Probe.firstLine(List.of(b.toString(), "--version")))
                .orElse("no bwrap");
  }

  String toolchain() {
    return toolchain;
  }

  byte[] build(BuildContext ctx, BuildFile file) throws BuildFailure {
    Images.Toolchain tc = Images.resolve(file.image(), npmBin);
    ctx.log()
        .info(
            file.path()
                + ": image '"
                + file.image()
                + "' → "
                + tc.name()
                + " toolchain; workflow "
                + file.workflow());
    if (file.network() && !ctx.sandbox().config().allowNetwork()) {
      ctx.log().info("the build file asks for the network; this node does not allow it");
    }
    Workspace ws = ctx.workspace();
    Map<String, String> env = new LinkedHashMap<>(tc.env());
    env.putAll(file.variables());
    List<Path> ro = tc.readOnly().stream().filter(Files::isDirectory).toList();
    for (String step : file.workflow()) {
      String script = file.folder() + "/" + step + ".sh";
      int code =
          ctx.run(
              new Sandbox.Step(
                  "step " + step,
                  List.of("bash", ws.srcPath() + "/" + script),
                  env,
                  file.network(),
                  true,
                  ro));
      if (code != 0) {
        throw new BuildFailure(script + " exited with code " + code + "; see the build log");
      }
    }
    long max = ctx.sandbox().config().limits().maxOutputBytes();
    return ctx.kind().equals("website")
        ? Outputs.website(ws.out(), max)
        : Outputs.wasm(ws.out(), max);
  }
}
