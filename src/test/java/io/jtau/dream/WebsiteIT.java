package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A website from its own repository: the chat sample's page is built from the {@code page}
 * repository and served at the root of the chat domain; a push to that repository goes live, and
 * the functions on the same domain keep their exact paths.
 */
@QuarkusTest
@LocalCloud
class WebsiteIT {

  static final String HOST = "chat-yc7vomoa.g.dream.localhost";

  @BeforeEach
  void requireGit() {
    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
  }

  @Test
  void pageRepositoryIsBuiltServedAndUpdatedByAPush(Cloud cloud) throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> cloud.body(HOST, "/").startsWith("200 <!doctype html>"));
    HttpResponse<String> page = cloud.get(HOST, "/");
    assertThat(page.body()).contains("<title>jtau chat</title>");
    assertThat(page.headers().firstValue("ETag")).isPresent();
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(cloud.get(HOST, "/chat/url").statusCode()).isEqualTo(200);
    assertThat(cloud.body(HOST, "/some/client/route")).contains("<title>jtau chat</title>");

    Path repo = cloud.clone("chat", "page");
    Path index = repo.resolve("index.html");
    Files.writeString(
        index,
        Files.readString(index).replace("<title>jtau chat</title>", "<title>jtau chat 2</title>"));
    cloud.git().ok(repo, "commit", "-qam", "Rename the page");
    cloud.git().ok(repo, "push", "-q", "origin", "HEAD:main");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> cloud.body(HOST, "/").contains("<title>jtau chat 2</title>"));
  }
}
