package io.jtau.build;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds C functions and libraries with clang and wasi-libc ({@code --target=wasm32-wasi}) into a
 * reactor module: no {@code _start}, the function named by the resource's {@code call} exported
 * (libraries export every non-static function). Compiles every top-level {@code .c} file; the
 * taubyte/sdk header {@code taubyte.h} is on the include path. Runs in the sandbox.
 */
public final class CBuilder implements LanguageBuilder {

  static final Pattern SYMBOL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private final Optional<Path> clang;
  private final String toolchain;

  public CBuilder() {
    this(Sandbox.findOnPath("clang"));
  }

  CBuilder(Optional<Path> clang) {
    this.clang = clang;
    this.toolchain =
        clang
            .flatMap(c -> Probe.firstLine(List.of(c.toString(), "--version")))
            .map(v -> v + "; wasi-libc " + Probe.debVersion("wasi-libc").orElse("?"))
            .orElse("absent");
  }

  @Override
  public String id() {
    return "c";
  }

  @Override
  public String toolchain() {
    return toolchain;
  }

  /** Whether clang is installed. */
  public boolean available() {
    return clang.isPresent();
  }

  @Override
  public boolean accepts(String kind, RepoTree sources) {
    return !kind.equals("website") && !WatBuilder.topLevel(sources, ".c").isEmpty();
  }

  @Override
  public byte[] build(BuildContext ctx) throws BuildFailure {
    if (clang.isEmpty()) {
      throw new BuildFailure(
          ctx.resourceName()
              + ": C sources found but clang is not installed on this node"
              + " (apt-get install clang lld wasi-libc libclang-rt-dev-wasm32)");
    }
    List<String> files =
        WatBuilder.topLevel(ctx.sources(), ".c").stream().map(RepoFile::path).sorted().toList();
    String call = ctx.settings().getOrDefault("call", "");
    boolean library = ctx.kind().equals("library");
    if (!library && !SYMBOL.matcher(call).matches()) {
      throw new BuildFailure(
          ctx.resourceName() + ": execution.call '" + call + "' is not a C function name");
    }
    Workspace ws = ctx.workspace();
    Path sdk = ws.tmp().resolve("jtau-sdk");
    try (InputStream h = CBuilder.class.getResourceAsStream("sdk/taubyte.h")) {
      Files.createDirectories(sdk);
      Files.write(sdk.resolve("taubyte.h"), h.readAllBytes());
      ws.own(sdk);
      ws.own(sdk.resolve("taubyte.h"));
    } catch (IOException | NullPointerException e) {
      throw new BuildFailure("cannot provide taubyte.h: " + e.getMessage());
    }
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            clang.get().toString(),
            "--target=wasm32-wasi",
            "-O2",
            "-nostartfiles",
            "-Wl,--no-entry",
            "-Wl,--strip-all",
            "-I" + ws.tmpPath() + "/jtau-sdk"));
    cmd.add(library ? "-Wl,--export-dynamic" : "-Wl,--export=" + call);
    cmd.addAll(files);
    cmd.addAll(List.of("-o", ws.outPath() + "/main.wasm"));
    ctx.tool("clang", cmd, List.of());
    return Outputs.wasm(ws.out(), ctx.sandbox().config().limits().maxOutputBytes());
  }
}
