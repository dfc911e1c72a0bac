package io.jtau.build;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps tau's build images ({@code environment.image}) to the toolchains installed on this node: the
 * environment variables and read-only folders a workflow step gets. The table is in docs/builds.md.
 * Stateless.
 */
final class Images {

  /** What a step of this image gets. */
  record Toolchain(String name, Map<String, String> env, List<Path> readOnly) {}

  private Images() {}

  /**
   * The toolchain for an image name ({@code taubyte/go-wasi:latest}); unknown and empty images get
   * the node's base tools (bash, coreutils and every toolchain below, as installed).
   */
  static Toolchain resolve(String image, Path npmBin) {
    String i = image.toLowerCase(Locale.ROOT);
    int at = i.indexOf('@');
    if (at >= 0) {
      i = i.substring(0, at);
    }
    int colon = i.lastIndexOf(':');
    if (colon > i.lastIndexOf('/')) {
      i = i.substring(0, colon);
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (i.contains("go")) {
      env.put("GOOS", "wasip1");
      env.put("GOARCH", "wasm");
      env.put("GOCACHE", "/tmp/go-cache");
      env.put("GOPATH", "/tmp/go");
      env.put("GOTOOLCHAIN", "local");
      env.put("GOFLAGS", "-mod=mod");
      return new Toolchain("go", env, List.of());
    }
    if (i.contains("rust")) {
      env.put("RUSTC", "/usr/bin/rustc");
      return new Toolchain("rust", env, List.of());
    }
    if (i.contains("assemblyscript")) {
      env.put("PATH", npmBin + ":" + basePath());
      return new Toolchain("assemblyscript", env, List.of(npmBin.getParent().getParent()));
    }
    if (i.contains("node") || i.contains("npm")) {
      env.put("npm_config_cache", "/tmp/npm-cache");
      env.put("npm_config_update_notifier", "false");
      return new Toolchain("node", env, List.of());
    }
    if (i.contains("clang")
        || i.contains("wasi-sdk")
        || i.contains("c-wasi")
        || i.contains("emscripten")) {
      env.put("CC", "clang");
      env.put("CFLAGS", "--target=wasm32-wasi");
      return new Toolchain("clang", env, List.of());
    }
    return new Toolchain("base", env, List.of());
  }

  static String basePath() {
    return "/usr/lib/go-1.23/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  }
}
