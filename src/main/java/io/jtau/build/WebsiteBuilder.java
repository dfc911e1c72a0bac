package io.jtau.build;

import io.jtau.model.RepoTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds static websites. With a {@code package.json} that has a {@code build} script: {@code npm
 * ci} (when it lists dependencies; needs a {@code package-lock.json} and the network, else offline)
 * then {@code npm run build}, in the sandbox; the output is the first of {@code dist/}, {@code
 * build/}, {@code public/} that exists. Otherwise the sources themselves are the site (without the
 * {@code .taubyte/} folder). The artifact is a ZIP of the output folder.
 */
public final class WebsiteBuilder implements LanguageBuilder {

  /** Output folders looked for after {@code npm run build}, in order. */
  public static final List<String> OUTPUT_FOLDERS = List.of("dist", "build", "public");

  private static final Pattern BUILD_SCRIPT =
      Pattern.compile("\"scripts\"\\s*:\\s*\\{[^}]*\"build\"\\s*:", Pattern.DOTALL);
  private static final Pattern DEPENDENCIES =
      Pattern.compile("\"(dev)?[dD]ependencies\"\\s*:\\s*\\{\\s*\"", Pattern.DOTALL);

  private final String toolchain;

  public WebsiteBuilder() {
    this.toolchain =
        "static-zip-1; "
            + (Sandbox.findOnPath("npm").isPresent()
                ? "node " + Probe.firstLine(List.of("node", "--version")).orElse("?")
                : "no npm");
  }

  @Override
  public String id() {
    return "website";
  }

  @Override
  public String toolchain() {
    return toolchain;
  }

  @Override
  public boolean accepts(String kind, RepoTree sources) {
    return kind.equals("website");
  }

  @Override
  public byte[] build(BuildContext ctx) throws BuildFailure {
    Workspace ws = ctx.workspace();
    long max = ctx.sandbox().config().limits().maxOutputBytes();
    String pkg =
        ctx.sources()
            .file("package.json")
            .map(f -> new String(f.content(), StandardCharsets.UTF_8))
            .orElse("");
    if (!BUILD_SCRIPT.matcher(pkg).find()) {
      ctx.log().info("static site: the sources are the site");
      try {
        copy(ws.src(), ws.out(), ws);
      } catch (IOException e) {
        throw new BuildFailure("cannot copy the site: " + e.getMessage(), e);
      }
      return Outputs.website(ws.out(), max);
    }
    Map<String, String> env =
        Map.of("npm_config_cache", "/tmp/npm-cache", "npm_config_update_notifier", "false");
    if (DEPENDENCIES.matcher(pkg).find()) {
      boolean network = ctx.sandbox().config().allowNetwork();
      List<String> ci =
          network
              ? List.of("npm", "ci", "--no-audit", "--no-fund")
              : List.of("npm", "ci", "--offline", "--no-audit", "--no-fund");
      int code = ctx.run(new Sandbox.Step("npm ci", ci, env, network, true, List.of()));
      if (code != 0) {
        throw new BuildFailure(
            "npm ci failed (exit "
                + code
                + ")"
                + (network
                    ? ""
                    : "; builds have no network on this node, so dependencies cannot be"
                        + " fetched (jtau.build.allow-network)"));
      }
    }
    int code =
        ctx.run(
            new Sandbox.Step(
                "npm run build", List.of("npm", "run", "build"), env, false, true, List.of()));
    if (code != 0) {
      throw new BuildFailure("npm run build failed (exit " + code + "); see the build log");
    }
    for (String folder : OUTPUT_FOLDERS) {
      Path out = ws.src().resolve(folder);
      if (Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
        ctx.log().info("website output: " + folder + "/");
        return Outputs.website(out, max);
      }
    }
    throw new BuildFailure(
        "npm run build wrote none of the output folders " + OUTPUT_FOLDERS + " (empty output)");
  }

  private static void copy(Path from, Path to, Workspace ws) throws IOException {
    try (var walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String rel = from.relativize(p).toString();
        if (rel.isEmpty() || rel.equals(".taubyte") || rel.startsWith(".taubyte/")) {
          continue;
        }
        Path target = to.resolve(rel);
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, target);
        }
        ws.own(target);
      }
    }
  }
}
