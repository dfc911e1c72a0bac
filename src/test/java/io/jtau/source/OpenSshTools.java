package io.jtau.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code ssh-keygen} and {@code git} clients for tests, isolated from the user's
 * configuration ({@code HOME} is a test folder). Tests needing them skip when they are absent.
 */
final class OpenSshTools {

  /** What a command printed (stdout and stderr together) and how it ended. */
  record Result(int exit, String output) {}

  private final Path home;

  OpenSshTools(Path home) {
    this.home = home;
  }

  /** Whether {@code ssh-keygen -Y} (OpenSSH 8.1+) and a git with SSH signing (2.34+) exist. */
  static String missing() {
    try {
      Result k = runIn(null, null, "ssh-keygen", "-Y", "none");
      if (k.output().contains("illegal option")) {
        return "ssh-keygen -Y is not supported (OpenSSH 8.1+ needed)";
      }
    } catch (IOException e) {
      return "ssh-keygen (openssh-client) is not installed";
    }
    try {
      Result g = runIn(null, null, "git", "--version");
      String[] v = g.output().replaceAll("[^0-9.]", " ").strip().split("[ .]+");
      int major = Integer.parseInt(v[0]);
      int minor = Integer.parseInt(v[1]);
      if (major < 2 || (major == 2 && minor < 34)) {
        return "git " + g.output().strip() + " cannot sign with SSH keys (2.34+ needed)";
      }
    } catch (IOException | RuntimeException e) {
      return "git is not installed";
    }
    return null;
  }

  /** Generates an unencrypted key of {@code type} ({@code ed25519}, {@code ecdsa}, {@code rsa}). */
  Path keygen(Path dir, String name, String type) throws IOException {
    Path key = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", ""));
    if (type.equals("rsa")) {
      cmd.addAll(List.of("-b", "2048"));
    }
    cmd.addAll(List.of("-C", name + "@test", "-f", key.toString()));
    ok(dir, cmd.toArray(String[]::new));
    return key;
  }

  static String publicLine(Path key) throws IOException {
    return Files.readString(Path.of(key + ".pub"), StandardCharsets.US_ASCII).strip();
  }

  /** Signs {@code payload} with {@code ssh-keygen -Y sign -n namespace}; the armored signature. */
  String sign(Path key, String namespace, byte[] payload) {
    try {
      Path file = Files.createTempFile(home, "payload", ".txt");
      Files.write(file, payload);
      ok(
          home,
          "ssh-keygen",
          "-q",
          "-Y",
          "sign",
          "-f",
          key.toString(),
          "-n",
          namespace,
          file.toString());
      Path sig = Path.of(file + ".sig");
      String s = Files.readString(sig, StandardCharsets.US_ASCII);
      Files.delete(sig);
      Files.delete(file);
      return s;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Result git(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    return ok(dir, cmd.toArray(String[]::new));
  }

  Result ok(Path dir, String... cmd) throws IOException {
    Result r = runIn(home, dir, cmd);
    if (r.exit() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed:\n" + r.output());
    }
    return r;
  }

  private static Result runIn(Path home, Path dir, String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Map<String, String> env = pb.environment();
    if (home != null) {
      env.put("HOME", home.toString());
    }
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_AUTHOR_NAME", "Test User");
    env.put("GIT_AUTHOR_EMAIL", "test@example.com");
    env.put("GIT_COMMITTER_NAME", "Test User");
    env.put("GIT_COMMITTER_EMAIL", "test@example.com");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish in 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
