package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jtau.app.cli.TauCommand;
import io.jtau.build.BuildJobs;
import io.jtau.build.BuildService;
import io.jtau.build.Sandbox;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import io.jtau.port.Builder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Build jobs through a real in-process node: the HTTP API, the SSE log stream followed by {@code
 * tau logs -f}, and {@code tau builds}, {@code tau build cancel|retry}. Prints the log latency
 * figure (a line written by a build step to the same line printed by {@code tau logs -f}).
 */
@QuarkusTest
class BuildsIT {

  @Inject Node node;
  @Inject HttpPort port;

  final HttpClient http = HttpClient.newHttpClient();

  String base() {
    return "http://127.0.0.1:" + port.get();
  }

  static RepoTree workflow(String script) {
    Map<String, RepoFile> files = new TreeMap<>();
    String config = "version: 1\nenvironment:\n  image: ''\nworkflow:\n  - build\n";
    files.put(".taubyte/config.yaml", file(".taubyte/config.yaml", config));
    files.put(".taubyte/build.sh", file(".taubyte/build.sh", script));
    return RepoTree.of("c0ffee", files);
  }

  static RepoFile file(String path, String text) {
    return new RepoFile(path, BuildService.sha256(text), text.getBytes(StandardCharsets.UTF_8));
  }

  CompletableFuture<Builder.Result> build(String project, RepoTree tree) {
    String hash =
        BuildService.sha256(
            project
                + tree.files().values().stream().map(RepoFile::blobId).toList()
                + System.nanoTime());
    Builder.Request req =
        new Builder.Request(project, "id", "f", "function", hash, () -> tree, Map.of());
    return CompletableFuture.supplyAsync(() -> node.builds().build(req));
  }

  String jobOf(String project) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !node.buildJobs().list(Optional.of(project)).isEmpty());
    return node.buildJobs().list(Optional.of(project)).get(0).id();
  }

  record Cli(int code, String out) {}

  Cli tau(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      int code = TauCommand.commandLine().execute(args);
      return new Cli(code, bytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void logsStreamLiveToTauLogsFollowAndJobsAreListed() throws Exception {
    Assumptions.assumeTrue(Sandbox.findBwrap().isPresent(), "bubblewrap (bwrap) is not installed");
    String script =
        "sleep 5\nfor i in $(seq 1 40); do echo \"MARK $i ${EPOCHREALTIME/./}000\"; sleep 0.05; done\n"
            + "printf '\\000asm\\001\\000\\000\\000' > $OUT/main.wasm\n";
    CompletableFuture<Builder.Result> result = build("logs-it", workflow(script));
    String job = jobOf("logs-it");

    // tau logs -f, its output lines timestamped as they are printed.
    List<String> lines = new CopyOnWriteArrayList<>();
    List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
    long[] connected = {0};
    PrintStream capture =
        new PrintStream(
            new OutputStream() {
              final ByteArrayOutputStream line = new ByteArrayOutputStream();

              @Override
              public void write(int b) {
                if (b != '\n') {
                  line.write(b);
                  return;
                }
                Instant now = Instant.now();
                String s = line.toString(StandardCharsets.UTF_8);
                line.reset();
                lines.add(s);
                if (connected[0] == 0) {
                  connected[0] = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                }
                if (s.startsWith("MARK ")) {
                  long sent = Long.parseLong(s.split(" ")[2]);
                  long seen = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                  if (sent > connected[0]) { // written while followed, not replayed
                    latenciesMicros.add((seen - sent) / 1000);
                  }
                }
              }
            },
            true,
            StandardCharsets.UTF_8);
    io.jtau.app.cli.LogsCommand logs = new io.jtau.app.cli.LogsCommand();
    picocli.CommandLine cl = new picocli.CommandLine(logs);
    java.lang.reflect.Field out = io.jtau.app.cli.LogsCommand.class.getDeclaredField("out");
    out.setAccessible(true);
    out.set(logs, capture);
    int code =
        cl.execute("-f", "--node", base(), "--token", io.jtau.TestAuth.operatorToken(node), job);

    assertThat(code).isEqualTo(0);
    assertThat(result.get(60, TimeUnit.SECONDS)).isInstanceOf(Builder.Built.class);
    List<String> marks = lines.stream().filter(l -> l.startsWith("MARK ")).toList();
    assertThat(marks).hasSize(40);
    for (int i = 0; i < 40; i++) {
      assertThat(marks.get(i)).startsWith("MARK " + (i + 1) + " ");
    }
    assertThat(lines).anyMatch(l -> l.startsWith("[info] succeeded: workflow built 8 bytes"));
    List<Long> sorted = new ArrayList<>(latenciesMicros);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      // The follower attached after the step finished (a slow machine): every line was replayed,
      // in order, which the assertions above check; there is no live latency to report.
      System.out.println("FIGURE log latency: no line was written while followed");
    } else {
      System.out.printf(
          "FIGURE log latency step->tau logs -f over %d lines: median %.2f ms, p90 %.2f ms, max"
              + " %.2f ms%n",
          sorted.size(),
          sorted.get(sorted.size() / 2) / 1000.0,
          sorted.get(sorted.size() * 9 / 10) / 1000.0,
          sorted.get(sorted.size() - 1) / 1000.0);
    }

    // The log is kept after the job ends: as text, and as SSE without follow.
    Cli text = tau("logs", "--node", base(), "--token", io.jtau.TestAuth.operatorToken(node), job);
    assertThat(text.code()).isEqualTo(0);
    assertThat(text.out())
        .contains("MARK 40 ")
        .contains("[step] step build: bash /src/.taubyte/build.sh");
    HttpResponse<String> sse =
        http.send(
            io.jtau.TestAuth.operator(
                    HttpRequest.newBuilder(URI.create(base() + "/api/builds/" + job + "/logs")),
                    node)
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(sse.body())
        .contains("\"text\":\"MARK 1 ")
        .contains("{\"type\":\"end\",\"state\":\"succeeded\"}");

    Cli list =
        tau(
            "builds",
            "--node",
            base(),
            "--token",
            io.jtau.TestAuth.operatorToken(node),
            "--project",
            "logs-it");
    assertThat(list.code()).isEqualTo(0);
    assertThat(list.out()).contains(job).contains("succeeded").contains("function/f");
    HttpResponse<String> one =
        http.send(
            io.jtau.TestAuth.operator(
                    HttpRequest.newBuilder(URI.create(base() + "/api/builds/" + job)), node)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(one.body()).contains("\"state\":\"succeeded\"").contains("\"attempts\":1");
  }

  @Test
  void cancelAndRetryFromTheCommandLine() throws Exception {
    Assumptions.assumeTrue(Sandbox.findBwrap().isPresent(), "bubblewrap (bwrap) is not installed");
    CompletableFuture<Builder.Result> result =
        build("cancel-it", workflow("echo up\nsleep 4242\n"));
    String job = jobOf("cancel-it");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> node.buildJobs().log(job).orElseThrow().raw().contains("up"));

    Cli retryRunning =
        tau(
            "build",
            "retry",
            "--node",
            base(),
            "--token",
            io.jtau.TestAuth.operatorToken(node),
            job);
    assertThat(retryRunning.code()).isEqualTo(1);

    Cli cancel =
        tau(
            "build",
            "cancel",
            "--node",
            base(),
            "--token",
            io.jtau.TestAuth.operatorToken(node),
            job);
    assertThat(cancel.code()).isEqualTo(0);
    Builder.Result r = result.get(30, TimeUnit.SECONDS);
    assertThat(((Builder.Failed) r).message()).contains("cancelled").contains(job);
    assertThat(node.buildJobs().get(job).orElseThrow().state())
        .isEqualTo(BuildJobs.State.CANCELLED);

    Cli retry =
        tau(
            "build",
            "retry",
            "--node",
            base(),
            "--token",
            io.jtau.TestAuth.operatorToken(node),
            job);
    assertThat(retry.code()).isEqualTo(0);
    assertThat(retry.out()).contains(job).contains("(attempt 2)");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> node.buildJobs().get(job).orElseThrow().state() == BuildJobs.State.RUNNING);
    tau("build", "cancel", "--node", base(), "--token", io.jtau.TestAuth.operatorToken(node), job);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> node.buildJobs().get(job).orElseThrow().state() == BuildJobs.State.CANCELLED);

    HttpResponse<String> missing =
        http.send(
            io.jtau.TestAuth.operator(
                    HttpRequest.newBuilder(URI.create(base() + "/api/builds/b-nothing")), node)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
  }
}
