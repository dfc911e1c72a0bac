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
}
