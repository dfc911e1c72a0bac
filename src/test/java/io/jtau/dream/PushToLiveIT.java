package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jtau.app.HttpPort;
import io.jtau.app.Node;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: the local cloud runs in-process on a free port, the sample is
 * cloned with the real git client, a change is pushed and goes live, a revert goes live again with
 * no build, and an invalid config is refused at push time while the old version serves.
 */
@QuarkusTest
class PushToLiveIT {

  static final String HOST = "hello-r4zkwruy.g.dream.localhost";
  static final String OLD = "Hello from jtau!\n";
  static final String NEW = "Howdy from jtau!\n";

  @Inject Node node;
  @Inject Dream dream;
  @Inject HttpPort port;

  @TempDir Path tmp;
  GitCli git;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void setUp() {
    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
    git = new GitCli(tmp);
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
  }

  String gitBase() {
    return "http://127.0.0.1:" + port.get() + "/git/hello";
  }

  HttpResponse<String> get(String path) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path))
            .header("Host", HOST)
            .timeout(Duration.ofSeconds(10))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  String body() {
    try {
      HttpResponse<String> r = get("/hello");
      return r.statusCode() + " " + r.body();
    } catch (Exception e) {
      return "error " + e;
    }
  }

  @Test
  void pushGoesLiveRevertRollsBackWithoutBuildAndInvalidConfigIsRefused() throws Exception {
    assertThat(body()).isEqualTo("200 " + OLD);
    HttpResponse<String> first = get("/hello");
    assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");

    Path code = tmp.resolve("code");
    git.ok(tmp, "clone", "-q", gitBase() + "/code.git", code.toString());
    Path wat = code.resolve("functions/hello/main.wat");
    String source = Files.readString(wat);
    assertThat(source).contains("Hello from jtau!\\n");
    Files.writeString(wat, source.replace("Hello from jtau!\\n", "Howdy from jtau!\\n"));
    git.ok(code, "commit", "-qam", "Say howdy");
    git.ok(code, "push", "-q", "origin", "HEAD:main");
    await().atMost(Duration.ofSeconds(30)).until(() -> body().equals("200 " + NEW));

    long buildsBeforeRevert = node.builds().buildsRun();
    git.ok(code, "revert", "--no-edit", "HEAD");
    git.ok(code, "push", "-q", "origin", "HEAD:main");
    await().atMost(Duration.ofSeconds(30)).until(() -> body().equals("200 " + OLD));
    assertThat(node.builds().buildsRun())
        .as("a revert re-points to the artifact already built")
        .isEqualTo(buildsBeforeRevert);

    Path config = tmp.resolve("config");
    git.ok(tmp, "clone", "-q", gitBase() + "/config.git", config.toString());
    Path fn = config.resolve("functions/hello.yaml");
    Files.writeString(
        fn, Files.readString(fn).replace("method: GET", "method: FETCH"), StandardCharsets.UTF_8);
    git.ok(config, "commit", "-qam", "Break the method");
    GitCli.Result push = git.run(config, "push", "origin", "HEAD:main");
    assertThat(push.exit()).as(push.output()).isNotZero();
    assertThat(push.output())
        .contains("remote:")
        .contains("/functions/hello.yaml:")
        .contains("trigger.method")
        .containsIgnoringCase("method");
    assertThat(body()).isEqualTo("200 " + OLD);
  }
}
