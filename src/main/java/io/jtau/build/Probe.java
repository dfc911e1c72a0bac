package io.jtau.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Asks an installed tool for its version, outside any sandbox. Stateless; blocks up to 10 s. */
final class Probe {

  private Probe() {}

  /** The first non-blank output line of the command, if it runs and exits 0. */
  static Optional<String> firstLine(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readNBytes(4096);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      if (p.exitValue() != 0) {
        return Optional.empty();
      }
      for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          return Optional.of(line.strip());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The installed version of a Debian package, if installed. */
  static Optional<String> debVersion(String pkg) {
    return firstLine(List.of("dpkg-query", "-W", "-f", "${Version}", pkg));
  }
}
