package io.jtau.app.cli;

import io.jtau.app.Main;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tau dream}: the whole cloud on this machine, seeded with the sample projects; {@code tau
 * dream reset} puts a running dream's samples back to their seeded state.
 */
@Command(
    name = "dream",
    mixinStandardHelpOptions = true,
    subcommands = DreamResetCommand.class,
    description = {
      "Start a local cloud on this machine: Git server, reconcile loop, builds, store, Wasm"
          + " runtime and gateway, seeded with the sample projects (hello, kv, chat, notes, fib).",
      "While it starts it prints each step and how long it took; when ready it prints the URLs"
          + " and git clone commands and writes DIR/dream.json. Ctrl-C stops it (exit code 0).",
      "A sample whose build cannot run here (fib needs clang and wasi-libc) shows as Stalled"
          + " and does not hold up the others.",
      "Exit codes: 0 stopped cleanly, 1 the node failed, 2 bad options or no free port."
    })
public class DreamCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      description = "Data folder (default: ${DEFAULT-VALUE}).",
      defaultValue = "${user.home}/.jtau/dream")
  Path dataDir;

  @Option(
      names = "--http-port",
      description = "HTTP port for the gateway, Git server and API; 0 = any free port.",
      defaultValue = "8080")
  int httpPort;

  @Option(
      names = "--fqdn",
      description =
          "The cloud's domain; generated domains are <x>.g.<fqdn> (default: dream.localhost, or"
              + " <branch>.dream.localhost with --branch other than main/master).")
  String fqdn;

  @Option(
      names = "--dns-port",
      description =
          "UDP and TCP port of the cloud's authoritative DNS; 0 = any free port (written to"
              + " dream.json as dnsPort), -1 = no DNS.",
      defaultValue = "0")
  int dnsPort;

  @Option(
      names = "--https-port",
      description =
          "HTTPS port (SNI: inline certificates, else the node's self-signed one); 0 = any free"
              + " port, -1 = no HTTPS (default).",
      defaultValue = "-1")
  int httpsPort;

  @Option(
      names = "--branch",
      description =
          "Serve this branch only (a dev cloud with its own generated domains). Default: main,"
              + " else master.")
  String branch;

  @Option(names = "--fresh", description = "Start from an empty data folder.")
  boolean fresh;

  @Option(
      names = "--samples-dir",
      description = "Folder with the sample projects (default: samples/ next to the launcher).")
  Path samplesDir;

  @Option(
      names = "--bind",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).",
      defaultValue = "127.0.0.1")
  String bind;

  @Option(
      names = "--json",
      description =
          "Print nothing on standard output but the dream.json document (one line) once ready;"
              + " the node's log goes to standard error.")
  boolean json;

  @Override
  public Integer call() {
    if (json) {
      System.setProperty("jtau.dream.output", "json");
      System.setProperty("quarkus.log.console.stderr", "true");
    }
    System.setProperty("jtau.data-dir", dataDir.toAbsolutePath().toString());
    System.setProperty("jtau.fresh", Boolean.toString(fresh));
    System.setProperty("jtau.fqdn", fqdn != null ? fqdn : defaultFqdn(branch));
    if (branch != null) {
      System.setProperty("jtau.branches", branch);
    }
    System.setProperty("jtau.dev-mode", "true");
    System.setProperty("jtau.dream.enabled", "true");
    System.setProperty("jtau.dns.port", Integer.toString(dnsPort));
    System.setProperty("jtau.dns.bind", bind);
    System.setProperty("jtau.tls.port", Integer.toString(httpsPort));
    if (samplesDir != null) {
      System.setProperty("jtau.dream.samples-dir", samplesDir.toAbsolutePath().toString());
    }
    int port = httpPort;
    if (port == 0) {
      // Pick the free port here so that every URL printed and written to dream.json is real.
      try (java.net.ServerSocket probe =
          new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(bind))) {
        port = probe.getLocalPort();
      } catch (java.io.IOException e) {
        System.err.println("tau dream: cannot find a free port on " + bind + ": " + e.getMessage());
        return 2;
      }
    }
    System.setProperty("quarkus.http.port", Integer.toString(port));
    System.setProperty("quarkus.http.host", bind);
    if (!json) {
      System.out.println(
          "jtau dream: starting on "
              + bind
              + ":"
              + port
              + ", data in "
              + dataDir.toAbsolutePath()
              + (fresh ? " (fresh)" : ""));
    }
    return Main.boot();
  }

  /**
   * The cloud domain of a dream: {@code dream.localhost}, or {@code <branch>.dream.localhost} for a
   * branch other than main/master, so a dev cloud's generated domains ({@code <x>.g.<fqdn>}) never
   * collide with the main cloud's. The branch becomes one DNS label: lower case, every character
   * outside {@code [a-z0-9-]} replaced by {@code -}, at most 40 characters.
   */
  static String defaultFqdn(String branch) {
    if (branch == null || branch.equals("main") || branch.equals("master")) {
      return "dream.localhost";
    }
    String label = branch.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    label = label.replaceAll("^-+|-+$", "");
    if (label.length() > 40) {
      label = label.substring(0, 40);
    }
    return label.isEmpty() ? "dream.localhost" : label + ".dream.localhost";
  }
}
