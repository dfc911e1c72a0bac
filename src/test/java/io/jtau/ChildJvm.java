package io.jtau;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A child JVM running a main class of the test class path, for the crash tests that {@code kill -9}
 * a writer at random points: its standard output arrives line by line in a queue (the ack ledger),
 * its standard error goes to a file for failure messages.
 */
public final class ChildJvm {

  private ChildJvm() {}

  /** Starts {@code main} with {@code jvmArgs} and {@code args}; stderr goes to {@code err}. */
  public static Process start(Path err, List<String> jvmArgs, Class<?> main, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
  }

  /** The child's stdout lines, read by a daemon thread; the queue simply ends when it dies. */
  public static BlockingQueue<String> lines(Process child) {
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  queue.add(line);
                }
              } catch (IOException e) {
                // the child died: the queue simply ends
              }
            },
            "child-stdout");
    reader.setDaemon(true);
    reader.start();
    return queue;
  }

  /** The child's stderr so far, for assertion messages. */
  public static String stderr(Path err) {
    try {
      return Files.readString(err);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
