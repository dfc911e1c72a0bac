package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The dream's own API: status, inject a sample, simulate a push, reset. */
@QuarkusTest
@LocalCloud
class DreamApiIT {

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  HttpResponse<String> call(Cloud cloud, String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cloud.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + cloud.operatorToken())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void statusListsProjectsAndSamples(Cloud cloud) throws Exception {
    HttpResponse<String> r = call(cloud, "GET", "/api/dream");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"ready\":true")
        .containsPattern("\"projects\":\\[[^\\]]*\"hello\"")
        .contains("hello");
  }

  @Test
  void theDreamApiNeedsTheOperatorToken(Cloud cloud) throws Exception {
    assertThat(cloud.api("GET", "/api/dream", null, null).statusCode()).isEqualTo(401);
    String created =
        cloud
            .api(
                "POST",
                "/api/projects/hello/tokens",
                cloud.operatorToken(),
                "{\"scopes\":[\"read\",\"push\",\"deploy\",\"data\",\"admin\"]}")
            .body();
    String projectToken = created.replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
    assertThat(cloud.api("GET", "/api/dream", projectToken, null).statusCode()).isEqualTo(403);
    assertThat(
            cloud.api("POST", "/api/dream/repos/hello/code/push", projectToken, null).statusCode())
        .isEqualTo(403);
  }

  @Test
  void simulatedPushReconcilesAndUnknownNamesAre404(Cloud cloud) throws Exception {
    assertThat(call(cloud, "POST", "/api/dream/repos/hello/code/push").statusCode()).isEqualTo(200);
    assertThat(call(cloud, "POST", "/api/dream/repos/hello/nope/push").statusCode()).isEqualTo(404);
    assertThat(call(cloud, "POST", "/api/dream/repos/..%2F..%2Fetc/code/push").statusCode())
        .isEqualTo(404);
    assertThat(call(cloud, "POST", "/api/dream/samples/does-not-exist").statusCode())
        .isEqualTo(404);
    assertThat(cloud.body(PushToLiveIT.HOST, "/hello")).startsWith("200 ");
  }

  @Test
  void resetPutsAPushedSampleBackWithoutARebuildAndNeedsTheOperatorToken(Cloud cloud)
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        GitCli.available(), "the git client is not installed");
    assertThat(cloud.api("POST", "/api/dream/reset", null, null).statusCode()).isEqualTo(401);

    java.nio.file.Path code = cloud.clone("hello", "code");
    java.nio.file.Path wat = code.resolve("functions/hello/main.wat");
    java.nio.file.Files.writeString(
        wat,
        java.nio.file.Files.readString(wat).replace("Hello from jtau!\\n", "Howdy from jtau!\\n"));
    cloud.git().ok(code, "commit", "-qam", "Say howdy");
    cloud.git().ok(code, "push", "-q", "origin", "HEAD:main");
    cloud.git().ok(code, "push", "-q", "origin", "HEAD:refs/heads/experiment");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> cloud.body(PushToLiveIT.HOST, "/hello").equals("200 " + PushToLiveIT.NEW));
    long builds = cloud.node().builds().buildsRun();

    HttpResponse<String> r = call(cloud, "POST", "/api/dream/reset");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).containsPattern("\"reset\":\\[\"hello\"");

    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> call(cloud, "GET", "/api/dream").body().contains("\"ready\":true"));
    assertThat(cloud.body(PushToLiveIT.HOST, "/hello")).isEqualTo("200 " + PushToLiveIT.OLD);
    assertThat(cloud.node().builds().buildsRun())
        .as("the seeded revision was built before: a reset rebuilds nothing")
        .isEqualTo(builds);
    assertThat(cloud.git().run(code, "ls-remote", "origin").output())
        .contains("refs/heads/main")
        .doesNotContain("refs/heads/experiment");
    assertThat(call(cloud, "GET", "/api/dream").body()).contains("\"hello\":\"ready\"");
  }

  static final String KV_HOST = "kv-fhjuhn8z.g.dream.localhost";

  HttpResponse<String> reset(Cloud cloud) throws Exception {
    HttpResponse<String> r = call(cloud, "POST", "/api/dream/reset");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(120))
        .until(() -> call(cloud, "GET", "/api/dream").body().contains("\"ready\":true"));
    return r;
  }

  @Test
  void resetWipesTheSamplesDataAndKeepsTheDataOfOtherProjects(Cloud cloud) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        GitCli.available(), "the git client is not installed");
    // A project that is not a default sample, with the kv sample's database and storage (and its
    // project id: data is keyed by the node's project name too) but no function or domain.
    java.nio.file.Path samples = java.nio.file.Files.createTempDirectory(cloud.work(), "keeper-");
    java.nio.file.Path kv =
        cloud
            .node()
            .config()
            .projectDir()
            .map(d -> java.nio.file.Path.of(d, "samples"))
            .orElse(java.nio.file.Path.of("samples"))
            .resolve("kv/config");
    java.nio.file.Path keeper = samples.resolve("keeper/config");
    java.nio.file.Files.createDirectories(keeper.resolve("databases"));
    java.nio.file.Files.createDirectories(keeper.resolve("storages"));
    java.nio.file.Files.writeString(
        keeper.resolve("config.yaml"),
        java.nio.file.Files.readString(kv.resolve("config.yaml"))
            .replace("name: kv", "name: keeper"));
    java.nio.file.Files.copy(
        kv.resolve("databases/visits.yaml"), keeper.resolve("databases/visits.yaml"));
    java.nio.file.Files.copy(
        kv.resolve("storages/files.yaml"), keeper.resolve("storages/files.yaml"));
    if (cloud.node().git().find("keeper", "config").isEmpty()) {
      cloud.pushSample("keeper", samples);
    }

    HttpResponse<String> first = reset(cloud);
    System.out.println("DreamApiIT reset answer: " + first.body());
    assertThat(first.body())
        .contains("\"wiped\":{\"chat\":{\"databases\":")
        .containsPattern("\"kept\":\\[[^\\]]*\"keeper\"");
    assertThat(cloud.body(KV_HOST, "/visits")).isEqualTo("200 visits: 1\n");
    assertThat(cloud.body(KV_HOST, "/visits")).isEqualTo("200 visits: 2\n");
    String kvObject = "/api/projects/kv/storages/files/objects/docs/a.txt";
    String keeperKey = "/api/projects/keeper/databases/visits/keys/count";
    String keeperObject = "/api/projects/keeper/storages/files/objects/docs/a.txt";
    String token = cloud.operatorToken();
    assertThat(cloud.api("PUT", kvObject, token, "sample data").statusCode()).isEqualTo(200);
    assertThat(cloud.api("PUT", keeperKey, token, "41").statusCode()).isEqualTo(204);
    assertThat(cloud.api("PUT", keeperObject, token, "mine").statusCode()).isEqualTo(200);

    // The second reset through the CLI, which waits until the samples serve again.
    var cli =
        io.jtau.app.cli.DbCommandTest.run(
            "dream", "reset", "--node", "http://127.0.0.1:" + cloud.port(), "--token", token);
    assertThat(cli.exit()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("  kv: data wiped (1 databases, 1 storages, 0 subscriptions, 0 content pins)")
        .contains("kept as they are: keeper")
        .contains("  kv: ready");

    assertThat(cloud.body(KV_HOST, "/visits"))
        .as("the counter starts again, as on a fresh dream")
        .isEqualTo("200 visits: 1\n");
    assertThat(cloud.api("GET", kvObject, token, null).statusCode()).isEqualTo(404);
    assertThat(cloud.api("GET", keeperKey, token, null).body()).isEqualTo("41");
    assertThat(cloud.api("GET", keeperObject, token, null).body()).isEqualTo("mine");
  }
}
