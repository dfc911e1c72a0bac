package io.jtau.app;

import io.jtau.app.cli.TauCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The one entry point of the jar. Every command is parsed by picocli first; only {@code dream} and
 * {@code start} boot the node (through {@link #boot}), every other command runs as plain Java and
 * binds no port.
 */
@QuarkusMain
public class Main {

  public static void main(String... args) {
    int code = TauCommand.commandLine().execute(args);
    System.exit(code);
  }

  /**
   * Boots the node with the system properties already set and blocks until it stops. Ctrl-C
   * (SIGINT) and SIGTERM stop it cleanly with exit code 0; a second Ctrl-C during the stop halts at
   * once (exit code 130).
   */
  public static int boot() {
    int[] exit = {0};
    java.util.concurrent.atomic.AtomicBoolean stopping =
        new java.util.concurrent.atomic.AtomicBoolean();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        // Without this the JVM's own handler exits with 128 + signal (130 for Ctrl-C) although
        // the node stops cleanly; scripts and the README tour expect 0 for a requested stop.
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            sig -> {
              if (!stopping.compareAndSet(false, true)) {
                Runtime.getRuntime().halt(128 + sig.getNumber());
              }
              Quarkus.asyncExit(0);
            });
      } catch (IllegalArgumentException e) {
        // This platform has no such signal (or it is reserved): keep the JVM's default.
      }
    }
    Quarkus.run(
        NodeApplication.class,
        (code, failure) -> {
          exit[0] = code;
          if (failure != null) {
            System.err.println("tau: the node failed to start: " + failure.getMessage());
            exit[0] = code == 0 ? 1 : code;
          }
        });
    return exit[0];
  }

  /** Keeps the node running until it is asked to stop (Ctrl-C, SIGTERM). */
  public static class NodeApplication implements QuarkusApplication {
    @Override
    public int run(String... args) {
      Quarkus.waitForExit();
      return 0;
    }
  }
}
