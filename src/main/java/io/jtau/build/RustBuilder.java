package io.jtau.build;

import io.jtau.model.RepoTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Builds Rust functions and libraries ({@code src/lib.rs}, else {@code lib.rs}) with Debian's rustc
 * (the one with a wasm32 standard library: {@code /usr/bin/rustc} from the {@code rustc} package)
 * as {@code --target wasm32-unknown-unknown --crate-type cdylib}: standard library only, since
 * crates.io is not reachable from builds. Functions export {@code #[no_mangle] pub extern "C"}
 * items.
 */
public final class RustBuilder implements LanguageBuilder {

  private final Optional<Path> rustc;
  private final String toolchain;

  public RustBuilder() {
    this(debianRustc());
  }

  RustBuilder(Optional<Path> rustc) {
    this.rustc = rustc;
    this.toolchain =
        rustc.flatMap(r -> Probe.firstLine(List.of(r.toString(), "--version"))).orElse("absent");
  }

  /** Debian's rustc, whose sysroot has the wasm32 std ({@code libstd-rust-dev-wasm32}). */
  static Optional<Path> debianRustc() {
    Path p = Path.of("/usr/bin/rustc");
    Path std = Path.of("/usr/lib/rustlib/wasm32-unknown-unknown");
    return Files.isExecutable(p) && Files.isDirectory(std) ? Optional.of(p) : Optional.empty();
  }

  @Override
  public String id() {
    return "rust";
  }

  @Override
  public String toolchain() {
    return toolchain;
  }

  @Override
  public boolean accepts(String kind, RepoTree sources) {
    return !kind.equals("website") && entry(sources).isPresent();
  }

  private static Optional<String> entry(RepoTree sources) {
    for (String e : List.of("src/lib.rs", "lib.rs")) {
      if (sources.file(e).isPresent()) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  @Override
  public byte[] build(BuildContext ctx) throws BuildFailure {
    if (rustc.isEmpty()) {
      throw new BuildFailure(
          ctx.resourceName()
              + ": Rust sources found but Debian's rustc with the wasm32 std is not installed"
              + " (apt-get install rustc libstd-rust-dev-wasm32)");
    }
    Workspace ws = ctx.workspace();
    ctx.tool(
        "rustc",
        List.of(
            rustc.get().toString(),
            "--target",
            "wasm32-unknown-unknown",
            "--crate-type",
            "cdylib",
            "--edition",
            "2021",
            "-O",
            "-C",
            "strip=symbols",
            entry(ctx.sources()).orElseThrow(),
            "-o",
            ws.outPath() + "/main.wasm"),
        List.of());
    return Outputs.wasm(ws.out(), ctx.sandbox().config().limits().maxOutputBytes());
  }
}
