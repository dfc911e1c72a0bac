package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.dream.Dream;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Project status, events and metrics of a running node, over real HTTP. */
@QuarkusTest
class StatusApiIT {

  @Inject Dream dream;
  @Inject HttpPort port;
  @Inject Node node;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  String get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            io.jtau.TestAuth.operator(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path)),
                    node)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return r.body();
  }

  @Test
  void statusShowsConditionsResourcesEventsAndMetrics() throws Exception {
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    ObjectMapper json = new ObjectMapper();

    JsonNode list = json.readTree(get("/api/projects"));
    assertThat(list.findValuesAsText("project")).contains("hello");

    JsonNode hello = json.readTree(get("/api/projects/hello")).get(0);
    assertThat(hello.path("branch").asText()).isEqualTo("main");
    List<String> conditions = new ArrayList<>();
    hello
        .path("conditions")
        .forEach(c -> conditions.add(c.path("type").asText() + "=" + c.path("status").asText()));
    assertThat(conditions).contains("Ready=true", "Reconciling=false", "Stalled=false");
    List<String> resources = new ArrayList<>();
    hello
        .path("resources")
        .forEach(
            r ->
                resources.add(
                    r.path("kind").asText()
                        + " "
                        + r.path("name").asText()
                        + " "
                        + r.path("conditions").path(0).path("status").asText()));
    assertThat(resources).contains("function hello true", "domain hello true");
    assertThat(resources).anyMatch(r -> r.startsWith("route GET ") && r.endsWith(" true"));

    JsonNode events = json.readTree(get("/api/projects/hello/events"));
    assertThat(events.findValuesAsText("reason")).contains("Applied");

    // One request through the gateway, one to a host nobody serves.
    for (String host : List.of("hello-r4zkwruy.g.dream.localhost", "nobody.example.test")) {
      http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/hello?x=1"))
              .header("Host", host)
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
    String metrics = get("/q/metrics");
    // Requests are counted per project and route, never per path.
    assertThat(metrics)
        .contains(
            "jtau_http_requests_seconds_count{project=\"hello\",route=\"project\",status=\"2xx\"}")
        .contains(
            "jtau_http_requests_seconds_count{project=\"-\",route=\"unknown-host\",status=\"4xx\"}")
        .contains("jtau_http_requests_seconds_count{project=\"-\",route=\"node\",status=\"2xx\"}")
        .doesNotContain("http_server_requests")
        .doesNotContain("/hello");
    assertThat(metrics)
        .contains("jtau_reconcile_duration_seconds_count")
        .contains("jtau_reconcile_queue_depth")
        .contains("jtau_builds_run_total")
        .contains("jtau_builds_skipped_total")
        .contains("jtau_reconcile_last_applied_age_seconds{branch=\"main\",project=\"hello\"}");
    assertThat(node.safetyPass()).isNotNull();
  }
}
