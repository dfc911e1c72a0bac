package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's five-minute tour, typed into a real terminal: tmux runs {@code ./tau dream} (the
 * launcher over the {@code target/quarkus-app} jar that the package phase of {@code mvn verify}
 * built, as a child process with its own HOME), the test reads the live URL and the {@code git
 * clone} command from the banner on the screen, clones, edits the WAT function, pushes, curls the
 * change, follows the build with {@code tau logs -f} in another window, reverts, curls the old
 * greeting again, then presses Ctrl-C and expects a clean stop (exit code 0, no stack trace). Every
 * command typed is a line of README.md (with the dream's free port written as 8080), so the README
 * and this test cannot drift apart. Skips with the reason when tmux, git, curl or the built jar is
 * missing.
 */
class ReadmeTourIT {

  static final Path ROOT = Path.of(System.getProperty("jtau.project-dir", ".")).toAbsolutePath();
  static final Pattern LIVE =
      Pattern.compile("http://hello-r4zkwruy\\.g\\.dream\\.localhost:(\\d+)/hello");
  static final Pattern CLONE =
      Pattern.compile(
          "git clone http://dream:(\\S+)@127\\.0\\.0\\.1:(\\d+)/git/hello/code\\.git hello-code");
  static final Pattern JOB = Pattern.compile("(b-[a-z0-9]+)\\s+succeeded\\s+\\d+\\s+hello\\s");

  @TempDir Path home;
  final String socket = "jtau-tour-" + ProcessHandle.current().pid();
  final List<String> typed = new ArrayList<>();
  String readme;

  @BeforeEach
  void requireTools() throws Exception {
    for (String tool : List.of("tmux", "git", "curl")) {
      Assumptions.assumeTrue(
          onPath(tool), tool + " is not installed (apt-get install " + tool + ")");
    }
    Assumptions.assumeTrue(
        Files.isRegularFile(ROOT.resolve("target/quarkus-app/quarkus-run.jar")),
        "target/quarkus-app is not built (run mvn -B verify, whose package phase builds it)");
    readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    Files.writeString(
        home.resolve(".gitconfig"),
        "[user]\n\tname = Tour Test\n\temail = tour@example.com\n[init]\n\tdefaultBranch = main\n"
            + "[advice]\n\tdetachedHead = false\n");
    Files.createDirectories(home.resolve("work"));
    // A login-free shell with a prompt that shows the last exit code: "[rc=0] $ ".
    Files.writeString(
        home.resolve(".tourrc"),
        "PS1='[rc=$?] $ '\nunset HISTFILE\nexport PATH=\"" + ROOT + ":$PATH\"\n");
  }

  @AfterEach
  void stopTmux() throws Exception {
    if (!onPath("tmux")) {
      return;
    }
    // Ctrl-C first (the test's last step does it too), then the whole private tmux server; wait
    // until the dream's JVM is gone so that nothing writes into the temporary HOME any more.
    run(List.of("tmux", "-L", socket, "send-keys", "-t", "tour:dream", "C-c"));
    java.util.Optional<ProcessHandle> dream = dreamProcess();
    run(List.of("tmux", "-L", socket, "kill-server"));
    dream.ifPresent(
        p -> {
          try {
            p.onExit().get(60, TimeUnit.SECONDS);
          } catch (Exception e) {
            p.destroyForcibly();
          }
        });
  }

  private java.util.Optional<ProcessHandle> dreamProcess() {
    try {
      String json = Files.readString(home.resolve(".jtau/dream/dream.json"));
      Matcher m = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)").matcher(json);
      return m.find() ? ProcessHandle.of(Long.parseLong(m.group(1))) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  @Test
  void theReadmeTourWorksInARealTerminal() throws Exception {
    tmux(
        "new-session",
        "-d",
        "-s",
        "tour",
        "-n",
        "dream",
        "-x",
        "400",
        "-y",
        "100",
        "-c",
        ROOT.toString(),
        "-e",
        "HOME=" + home,
        "-e",
        "TAU_SKIP_BUILD=1",
        // The JVM takes its home from the password database, not $HOME: give it the test's.
        "-e",
        "TAU_JAVA_OPTS=-Duser.home=" + home,
        "bash --noprofile --rcfile " + home.resolve(".tourrc"));
    awaitPrompt("dream", 1);

    // 1. Start the local cloud and wait for its ready screen.
    typed.add("./tau dream --http-port 0");
    sendLine("dream", "./tau dream --http-port 0");
    await("the dream's ready screen")
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> screen("dream").contains("jtau dream is ready"));
    String banner = screen("dream");
    assertThat(banner).contains("  boot ", "  open ", "  seed ", "  apply ", "hello ready");
    Matcher live = LIVE.matcher(banner);
    assertThat(live.find()).as(banner).isTrue();
    String port = live.group(1);
    String url = live.group();
    Matcher clone = CLONE.matcher(banner);
    assertThat(clone.find()).as(banner).isTrue();
    assertThat(clone.group(2)).isEqualTo(port);

    tmux(
        "new-window",
        "-t",
        "tour",
        "-n",
        "shell",
        "-c",
        home.resolve("work").toString(),
        "bash --noprofile --rcfile " + home.resolve(".tourrc"));
    awaitPrompt("shell", 1);
    int prompts = 1;

    // 1. (cont.) the token for the clone URLs, as the README shows.
    prompts = ok("shell", "TOKEN=$(cat ~/.jtau/dream/keys/operator.token)", prompts);
    assertThat(clone.group(1))
        .isEqualTo(Files.readString(home.resolve(".jtau/dream/keys/operator.token")).strip());

    // 2. Call the function.
    prompts = ok("shell", "curl " + url, prompts);
    assertThat(screen("shell")).contains("Hello from jtau!");

    // 3. Clone with the command from the banner, change the greeting, push, see it live.
    String cloneCommand = clone.group();
    assertThat(readme)
        .as("the banner's clone command is the README's with the token in the URL")
        .contains(
            cloneCommand.replace(clone.group(1), "$TOKEN").replace(":" + port + "/", ":8080/"));
    prompts = ok("shell", cloneCommand, prompts, false);
    prompts = ok("shell", "cd hello-code", prompts);
    prompts =
        ok(
            "shell",
            "sed -i 's/Hello from jtau!/Howdy from jtau!/' functions/hello/main.wat",
            prompts);
    prompts = ok("shell", "git commit -am \"Say howdy\" && git push", prompts);
    prompts = curlUntil(url, "Howdy from jtau!", prompts);

    // Follow the build that push started with tau logs -f, in a window of its own.
    prompts = ok("shell", "tau builds --project hello", prompts);
    Matcher job = JOB.matcher(screen("shell"));
    assertThat(job.find()).as("the newest hello build in:%n%s", screen("shell")).isTrue();
    String jobId = job.group(1);
    tmux(
        "new-window",
        "-t",
        "tour",
        "-n",
        "logs",
        "-c",
        home.resolve("work").toString(),
        "bash --noprofile --rcfile " + home.resolve(".tourrc"));
    awaitPrompt("logs", 1);
    String follow = "tau logs -f " + jobId;
    assertThat(readme).contains("tau logs -f b-");
    typed.add("tau logs -f JOB");
    sendLine("logs", follow);
    awaitPrompt("logs", 2);
    String logs = screen("logs");
    assertThat(logs).contains("[info] builder wat (").contains("[rc=0] $");

    // 4. Roll back with git revert.
    prompts = ok("shell", "git revert --no-edit HEAD && git push", prompts);
    prompts = curlUntil(url, "Hello from jtau!", prompts);

    // Ctrl-C stops the dream cleanly.
    tmux("send-keys", "-t", "tour:dream", "C-c");
    awaitPrompt("dream", 2);
    String end = screen("dream");
    assertThat(end.substring(end.indexOf("jtau dream is ready")))
        .as("the dream's terminal after Ctrl-C")
        .contains("[rc=0] $")
        .doesNotContain("Exception")
        .doesNotContainPattern("\\n\\s+at [a-z]");

    Matcher readyIn = Pattern.compile("jtau dream is ready \\((\\d+) ms\\)").matcher(banner);
    if (readyIn.find()) {
      System.out.println("FIGURE tau dream, launcher to ready screen: " + readyIn.group(1) + " ms");
    }
    System.out.println(
        "The tour's shell window:\n" + screen("shell").replace(clone.group(1), "jtau_…"));
    System.out.println("The tour's logs window:\n" + screen("logs"));

    for (String command : typed) {
      String asInReadme = command.replace(":" + port + "/", ":8080/");
      if (command.startsWith("git clone ") || command.equals("tau logs -f JOB")) {
        continue; // checked above with the token and the job id written as in the README
      }
      assertThat(readme).as("README.md shows the command the test typed").contains(asInReadme);
    }
  }

  /**
   * Types a README command, waits for its prompt, requires exit code 0; returns the prompt count.
   */
  private int ok(String window, String command, int prompts) throws Exception {
    return ok(window, command, prompts, true);
  }

  private int ok(String window, String command, int prompts, boolean record) throws Exception {
    if (record) {
      typed.add(command);
    }
    sendLine(window, command);
    awaitPrompt(window, prompts + 1);
    String s = screen(window);
    String last = s.substring(s.lastIndexOf("[rc="));
    assertThat(last).as("exit code of `%s`:%n%s", command, s).startsWith("[rc=0] $");
    return prompts + 1;
  }

  /** curl until the body shows (the reconcile after a push takes a moment). */
  private int curlUntil(String url, String text, int prompts) throws Exception {
    int[] n = {prompts};
    await("curl shows " + text)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              n[0] = ok("shell", "curl " + url, n[0]);
              String s = screen("shell");
              String afterCommand = s.substring(s.lastIndexOf("curl " + url));
              return afterCommand.contains(text);
            });
    return n[0];
  }

  private void awaitPrompt(String window, int count) {
    await("prompt " + count + " in " + window)
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                count(screen(window), "[rc=") >= count
                    && screen(window).stripTrailing().endsWith("$"));
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private void sendLine(String window, String line) throws Exception {
    tmux("send-keys", "-t", "tour:" + window, "-l", line);
    tmux("send-keys", "-t", "tour:" + window, "Enter");
  }

  private String screen(String window) throws Exception {
    return tmux("capture-pane", "-p", "-J", "-S", "-5000", "-t", "tour:" + window);
  }

  private String tmux(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
