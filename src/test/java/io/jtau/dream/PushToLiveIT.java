package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end: the local cloud runs in-process on a free port, the sample is
 * cloned with the real git client, a change is pushed and goes live, a revert goes live again with
 * no build, and an invalid config is refused at push time while the old version serves.
 */
@QuarkusTest
@LocalCloud
class PushToLiveIT {

  static final String HOST = "hello-r4zkwruy.g.dream.localhost";
  static final String OLD = "Hello from jtau!\n";
  static final String NEW = "Howdy from jtau!\n";

  @BeforeEach
  void requireGit() {
    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
  }

  @Test
  void pushGoesLiveRevertRollsBackWithoutBuildAndInvalidConfigIsRefused(Cloud cloud)
      throws Exception {
    assertThat(cloud.body(HOST, "/hello")).isEqualTo("200 " + OLD);
    HttpResponse<String> first = cloud.get(HOST, "/hello");
    assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");

    Path code = cloud.clone("hello", "code");
    GitCli git = cloud.git();
    Path wat = code.resolve("functions/hello/main.wat");
    String source = Files.readString(wat);
    assertThat(source).contains("Hello from jtau!\\n");
    Files.writeString(wat, source.replace("Hello from jtau!\\n", "Howdy from jtau!\\n"));
    git.ok(code, "commit", "-qam", "Say howdy");
    git.ok(code, "push", "-q", "origin", "HEAD:main");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cloud.body(HOST, "/hello").equals("200 " + NEW));

    long buildsBeforeRevert = cloud.node().builds().buildsRun();
    git.ok(code, "revert", "--no-edit", "HEAD");
    git.ok(code, "push", "-q", "origin", "HEAD:main");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cloud.body(HOST, "/hello").equals("200 " + OLD));
    assertThat(cloud.node().builds().buildsRun())
        .as("a revert re-points to the artifact already built")
        .isEqualTo(buildsBeforeRevert);

    Path config = cloud.clone("hello", "config");
    Path fn = config.resolve("functions/hello.yaml");
    Files.writeString(
        fn, Files.readString(fn).replace("method: GET", "method: FETCH"), StandardCharsets.UTF_8);
    git.ok(config, "commit", "-qam", "Break the method");
    GitCli.Result push = git.run(config, "push", "origin", "HEAD:main");
    assertThat(push.exit()).as(push.output()).isNotZero();
    assertThat(push.output())
        .contains("remote:")
        .contains("/functions/hello.yaml:5:11")
        .contains("trigger.method")
        .contains("'FETCH' is not an HTTP method");
    assertThat(cloud.body(HOST, "/hello")).isEqualTo("200 " + OLD);
  }
}
