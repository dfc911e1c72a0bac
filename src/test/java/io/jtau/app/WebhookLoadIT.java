package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.dream.Dream;
import io.jtau.source.GitHttpTestServer;
import io.jtau.source.TestCommits;
import io.jtau.source.WebhookVerifier;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (skipped unless {@code -Dbench.webhook-seconds=N}): signed GitHub push webhooks at 50
 * requests/s for N seconds against a registered remote project while a new code commit lands
 * upstream every 5 s. Prints the p50/p99 ack time, the 5xx count and builds run per commit. Bounded
 * in count and time. Run by {@code bench/webhooks.sh}.
 */
@QuarkusTest
class WebhookLoadIT {

  @Inject Node node;
  @Inject Dream dream;
  @Inject HttpPort port;

  @Test
  void signedWebhooksAt50PerSecond() throws Exception {
    int seconds = Integer.getInteger("bench.webhook-seconds", 0);
    Assumptions.assumeTrue(seconds > 0, "benchmark: set -Dbench.webhook-seconds=N to run it");
    seconds = Math.min(seconds, 300);
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    Path tmp = Files.createTempDirectory("webhook-bench");
    ObjectMapper json = new ObjectMapper();
    try (GitHttpTestServer upstream = new GitHttpTestServer();
        Repository config = TestCommits.bare(tmp.resolve("config.git"));
        Repository code = TestCommits.bare(tmp.resolve("code.git"))) {
      upstream.serve("bench/config", config);
      upstream.serve("bench/code", code);
      Map<String, String> cfg = files(Path.of("samples/hello/config"));
      cfg.replaceAll(
          (k, v) ->
              v.replace(
                      "QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy",
                      "QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUb")
                  .replace("hello-r4zkwruy", "hello-r4zkwrub"));
      TestCommits.commit(config, "main", cfg, "config");
      Map<String, String> src = files(Path.of("samples/hello/code"));
      TestCommits.commit(code, "main", src, "code 0");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + port.get();
      String body =
          json.createObjectNode()
              .put("name", "bench")
              .put("config", upstream.url("bench/config"))
              .put("code", upstream.url("bench/code"))
              .put("provider", "github")
              .toString();
      HttpResponse<String> reg =
          http.send(
              io.jtau.TestAuth.operator(
                      HttpRequest.newBuilder(URI.create(base + "/api/project-admin/projects")),
                      node)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
      JsonNode hook = json.readTree(reg.body()).path("hooks").get(1);
      String url = hook.path("url").asText().replace("http://localhost:", "http://127.0.0.1:");
      byte[] secret = hook.path("secret").asText().getBytes(StandardCharsets.US_ASCII);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  node.projects().list().stream()
                      .anyMatch(
                          v -> v.name().equals("bench") && !v.repos().get(1).heads().isEmpty()));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  node.registry()
                      .current(new io.jtau.model.ProjectKey("bench", "main"))
                      .isPresent());
      long buildsBefore = node.builds().buildsRun();

      List<Long> acks = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger fiveXx = new AtomicInteger();
      AtomicInteger other = new AtomicInteger();
      List<CompletableFuture<?>> inflight = new ArrayList<>();
      int total = seconds * 50;
      int commits = 0;
      long start = System.nanoTime();
      String lastCommit = "";
      for (int i = 0; i < total; i++) {
        long due = start + i * 20_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        if (i % 250 == 0 && i > 0) {
          Map<String, String> next = new TreeMap<>(src);
          next.put("functions/hello/README", "commit " + i + "\n");
          lastCommit = TestCommits.commit(code, "main", next, "code " + i).name();
          commits++;
        }
        String payload =
            "{\"ref\":\"refs/heads/main\",\"after\":\""
                + lastCommit
                + "\",\"commits\":[{\"id\":\""
                + lastCommit
                + "\"}],\"repository\":{\"full_name\":\"bench/code\"}}";
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        HttpRequest req =
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", WebhookVerifier.githubSignature(secret, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        long t0 = System.nanoTime();
        inflight.add(
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                .handle(
                    (r, e) -> {
                      acks.add(System.nanoTime() - t0);
                      if (e != null || r.statusCode() >= 500) {
                        fiveXx.incrementAndGet();
                      } else if (r.statusCode() != 202) {
                        other.incrementAndGet();
                      }
                      return null;
                    }));
      }
      CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new))
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
      String expected = lastCommit;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  node.registry()
                      .current(new io.jtau.model.ProjectKey("bench", "main"))
                      .map(s -> s.codeCommit().equals(expected))
                      .orElse(false));
      long builds = node.builds().buildsRun() - buildsBefore;
      List<Long> sorted = new ArrayList<>(acks);
      Collections.sort(sorted);
      double p50 = sorted.get(sorted.size() / 2) / 1e6;
      double p99 =
          sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)) / 1e6;
      double max = sorted.get(sorted.size() - 1) / 1e6;
      System.out.printf(
          "BENCH webhooks: %d signed requests in %d s (50/s), ack p50 %.2f ms, p99 %.2f ms, max %.2f ms, 5xx %d, non-202 %d, commits %d, builds %d (%.2f per commit), fetches %d%n",
          total,
          seconds,
          p50,
          p99,
          max,
          fiveXx.get(),
          other.get(),
          commits,
          builds,
          commits == 0 ? 0.0 : (double) builds / commits,
          node.projects().fetches("bench", "code"));
      assertThat(fiveXx.get()).isZero();
      assertThat(builds).isEqualTo(commits);
      node.projects().remove("bench");
    }
  }

  static Map<String, String> files(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readString(p));
      }
    }
    return out;
  }
}
