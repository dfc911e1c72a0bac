package io.jtau.build;

import io.jtau.model.RepoTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds Go functions ({@code main.go} at the top of the folder) with Go 1.23 from
 * bookworm-backports as {@code GOOS=wasip1 GOARCH=wasm}: WASI command modules (Go 1.23 cannot
 * export functions). No module proxy: dependencies must be vendored. A missing {@code go.mod} is
 * written.
 */
public final class GoBuilder implements LanguageBuilder {

  private final Optional<Path> go;
  private final String toolchain;

  public GoBuilder() {
    this(find());
  }

  GoBuilder(Optional<Path> go) {
    this.go = go;
    this.toolchain =
        go.flatMap(g -> Probe.firstLine(List.of(g.toString(), "version"))).orElse("absent");
  }

  static Optional<Path> find() {
    Path p = Path.of("/usr/lib/go-1.23/bin/go");
    return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  @Override
  public String id() {
    return "go";
  }

  @Override
  public String toolchain() {
    return toolchain;
  }

  @Override
  public boolean accepts(String kind, RepoTree sources) {
    return !kind.equals("website") && sources.file("main.go").isPresent();
  }

  @Override
  public byte[] build(BuildContext ctx) throws BuildFailure {
    if (go.isEmpty()) {
      throw new BuildFailure(
          ctx.resourceName()
              + ": Go sources found but Go 1.23 is not installed"
              + " (apt-get install -t bookworm-backports golang-1.23-go)");
    }
    Workspace ws = ctx.workspace();
    Path mod = ws.src().resolve("go.mod");
    if (!Files.exists(mod)) {
      try {
        Files.writeString(mod, "module function\n\ngo 1.23\n");
        ws.own(mod);
      } catch (IOException e) {
        throw new BuildFailure("cannot write go.mod: " + e.getMessage(), e);
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GOOS", "wasip1");
    env.put("GOARCH", "wasm");
    env.put("GOCACHE", ws.tmpPath() + "/go-cache");
    env.put("GOPATH", ws.tmpPath() + "/go");
    env.put("GOTOOLCHAIN", "local");
    env.put("GOPROXY", "off");
    env.put("GOFLAGS", "-mod=mod");
    env.put("CGO_ENABLED", "0");
    int code =
        ctx.run(
            new Sandbox.Step(
                "go build",
                List.of(go.get().toString(), "build", "-o", ws.outPath() + "/main.wasm", "."),
                env,
                false,
                false,
                List.of()));
    if (code != 0) {
      throw new BuildFailure(ctx.resourceName() + ": go build failed (exit " + code + ")");
    }
    return Outputs.wasm(ws.out(), ctx.sandbox().config().limits().maxOutputBytes());
  }
}
