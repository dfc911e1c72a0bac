package io.jtau.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs load generators (bounded in time) and reads their figures. */
final class Wrk {

  private Wrk() {}

  /** Requests/s, p99 latency in ms, non-2xx count, raw output. */
  record Result(double perSecond, double p99Millis, long errors, String raw) {}

  static Result wrk(String url, String host, int seconds) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of("wrk", "-t2", "-c64", "-d" + seconds + "s", "--latency", "--timeout", "5s"));
    if (host != null) {
      cmd.addAll(List.of("-H", "Host: " + host));
    }
    cmd.add(url);
    String out = run(cmd, seconds + 30);
    double rps = number(out, "Requests/sec:\\s+([0-9.]+)");
    Matcher p99 = Pattern.compile("99%\\s+([0-9.]+)(us|ms|s)").matcher(out);
    double ms = 0;
    if (p99.find()) {
      double v = Double.parseDouble(p99.group(1));
      ms = p99.group(2).equals("us") ? v / 1000 : p99.group(2).equals("s") ? v * 1000 : v;
    }
    long errors = (long) number(out, "Non-2xx or 3xx responses:\\s+([0-9]+)");
    return new Result(rps, ms, errors, out);
  }

  static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  static boolean has(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
        return true;
      }
    }
    return java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin", tool));
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
