package io.jtau.build;

import io.jtau.model.RepoTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds AssemblyScript functions ({@code assembly/index.ts}, else {@code index.ts}) with npm's
 * {@code assemblyscript} compiler, {@code --runtime stub --optimize}, without the {@code env.abort}
 * import. The compiler is found in the npm cache folder, else installed there once (npm, outside
 * the sandbox, pinned version), else taken from {@code node_modules} found on the PATH. When the
 * sources have no {@code assembly/taubyte.ts}, the taubyte/sdk declarations are added there.
 * Thread-safe (the one-time install is serialised).
 */
public final class AssemblyScriptBuilder implements LanguageBuilder {

  /** The version installed when none is present. */
  public static final String VERSION = "0.28.20";

  private final Path cache;
  private final String toolchain;

  /**
   * @param cache npm prefix folder ({@code <cache>/node_modules/assemblyscript})
   */
  public AssemblyScriptBuilder(Path cache) {
    this.cache = cache;
    this.toolchain =
        Sandbox.findOnPath("node").isEmpty()
            ? "absent"
            : "assemblyscript "
                + installedVersion().orElse(VERSION)
                + "; "
                + Probe.firstLine(List.of("node", "--version")).orElse("node ?");
  }

  @Override
  public String id() {
    return "assemblyscript";
  }

  @Override
  public String toolchain() {
    return toolchain;
  }

  /** The npm {@code .bin} folder of the cache (image {@code taubyte/assemblyscript} uses it). */
  Path binDir() {
    return cache.resolve("node_modules").resolve(".bin");
  }

  private Path compiler() {
    return cache.resolve("node_modules/assemblyscript/bin/asc.js");
  }

  Optional<String> installedVersion() {
    Path pkg = cache.resolve("node_modules/assemblyscript/package.json");
    try {
      Matcher m =
          Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(pkg));
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean accepts(String kind, RepoTree sources) {
    return !kind.equals("website") && entry(sources).isPresent();
  }

  private static Optional<String> entry(RepoTree sources) {
    for (String e : List.of("assembly/index.ts", "index.ts")) {
      if (sources.file(e).isPresent()) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Installs the compiler into the cache once, if it is missing. */
  public synchronized void ensureInstalled(BuildLog log) throws BuildFailure {
    if (Files.isRegularFile(compiler())) {
      return;
    }
    if (Sandbox.findOnPath("npm").isEmpty()) {
      throw new BuildFailure(
          "AssemblyScript sources found but neither the compiler nor npm is installed on this"
              + " node (apt-get install nodejs npm)");
    }
    log.info("installing assemblyscript@" + VERSION + " into " + cache + " (once)");
    try {
      Files.createDirectories(cache);
      Process p =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--silent",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  cache.toString(),
                  "assemblyscript@" + VERSION)
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new BuildFailure("installing AssemblyScript took over 5 minutes");
      }
      out.lines().forEach(log::out);
      if (p.exitValue() != 0 || !Files.isRegularFile(compiler())) {
        throw new BuildFailure(
            "installing AssemblyScript with npm failed (exit " + p.exitValue() + ")");
      }
    } catch (IOException e) {
      throw new BuildFailure("installing AssemblyScript failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildFailure(BuildFailure.Reason.CANCELLED, "interrupted");
    }
  }

  @Override
  public byte[] build(BuildContext ctx) throws BuildFailure {
    if (toolchain.equals("absent")) {
      throw new BuildFailure(
          ctx.resourceName()
              + ": AssemblyScript sources found but node is not installed on this node");
    }
    ensureInstalled(ctx.log());
    String entry = entry(ctx.sources()).orElseThrow();
    Workspace ws = ctx.workspace();
    Path decl = ws.src().resolve(entry).getParent().resolve("taubyte.ts");
    if (!Files.exists(decl)) {
      try (InputStream in = AssemblyScriptBuilder.class.getResourceAsStream("sdk/taubyte.ts")) {
        Files.write(decl, in.readAllBytes());
        ws.own(decl);
      } catch (IOException | NullPointerException e) {
        throw new BuildFailure("cannot provide taubyte.ts: " + e.getMessage());
      }
    }
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "node",
            compiler().toString(),
            entry,
            "--outFile",
            ws.outPath() + "/main.wasm",
            "--optimize",
            "--runtime",
            "stub",
            "--use",
            "abort="));
    ctx.tool("asc", cmd, List.of(cache.toAbsolutePath()));
    return Outputs.wasm(ws.out(), ctx.sandbox().config().limits().maxOutputBytes());
  }
}
