package io.jtau.source;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WireMock plays GitHub's and Gitea's REST APIs and records what jtau sent. */
class GitHostApiTest {

  static final String TOKEN = "CANARY-ghp-0123456789";
  WireMockServer gh;
  final GitHostApi api = new GitHostApi();

  @BeforeEach
  void setUp() {
    gh = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    gh.start();
  }

  @AfterEach
  void tearDown() {
    gh.stop();
  }

  String base() {
    return "http://127.0.0.1:" + gh.port();
  }

  @Test
  void createsAPushWebhookAndAReadOnlyDeployKey() throws Exception {
    gh.stubFor(
        post(urlEqualTo("/repos/acme/shop/hooks"))
            .willReturn(aResponse().withStatus(201).withBody("{\"id\":77}")));
    gh.stubFor(
        post(urlEqualTo("/repos/acme/shop/keys"))
            .willReturn(aResponse().withStatus(201).withBody("{\"id\":5}")));
    long hook =
        api.createGithubHook(
            base(), "acme/shop", TOKEN, "https://node.example/api/hooks/github/abc", "s3cret");
    DeployKeys.Generated key = DeployKeys.generate(new SecureRandom(), "jtau-shop");
    long keyId =
        api.createGithubDeployKey(base(), "acme/shop", TOKEN, "jtau shop", key.publicKeyLine());
    assertThat(hook).isEqualTo(77);
    assertThat(keyId).isEqualTo(5);
    gh.verify(
        postRequestedFor(urlEqualTo("/repos/acme/shop/hooks"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(
                equalToJson(
                    "{\"name\":\"web\",\"active\":true,\"events\":[\"push\"],\"config\":{\"url\":\"https://node.example/api/hooks/github/abc\",\"content_type\":\"json\",\"secret\":\"s3cret\",\"insecure_ssl\":\"0\"}}")));
    gh.verify(
        postRequestedFor(urlEqualTo("/repos/acme/shop/keys"))
            .withRequestBody(
                equalToJson(
                    "{\"title\":\"jtau shop\",\"key\":\""
                        + key.publicKeyLine()
                        + "\",\"read_only\":true}")));
    assertThat(key.publicKeyLine()).startsWith("ecdsa-sha2-nistp256 ");
    assertThat(RemoteMirror.parseKeys(key.openSshPrivateKey())).hasSize(1);
    assertThat(key.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void reportsStatusesToGithubAndGitea() throws Exception {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    gh.stubFor(
        post(urlEqualTo("/repos/acme/shop/statuses/" + sha))
            .willReturn(aResponse().withStatus(201)));
    gh.stubFor(
        post(urlEqualTo("/api/v1/repos/team/site/statuses/" + sha))
            .willReturn(aResponse().withStatus(201)));
    api.createStatus(
        base(),
        false,
        "acme/shop",
        sha,
        TOKEN,
        GitHostApi.State.SUCCESS,
        "jtau/deploy",
        "live on main",
        "http://node/api/projects/shop/events");
    api.createStatus(
        base(),
        true,
        "team/site",
        sha,
        TOKEN,
        GitHostApi.State.PENDING,
        "jtau/build",
        "building",
        null);
    gh.verify(
        postRequestedFor(urlEqualTo("/repos/acme/shop/statuses/" + sha))
            .withRequestBody(
                equalToJson(
                    "{\"state\":\"success\",\"context\":\"jtau/deploy\",\"description\":\"live on main\",\"target_url\":\"http://node/api/projects/shop/events\"}")));
    gh.verify(
        postRequestedFor(urlEqualTo("/api/v1/repos/team/site/statuses/" + sha))
            .withRequestBody(
                equalToJson(
                    "{\"state\":\"pending\",\"context\":\"jtau/build\",\"description\":\"building\"}")));
  }

  @Test
  void aRefusalNamesTheCallAndStatusButNeverTheTokenNorTheHostsText() {
    gh.stubFor(
        post(urlEqualTo("/repos/acme/shop/hooks"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody("{\"message\":\"Bad credentials " + TOKEN + "\"}")));
    Throwable t =
        catchThrowable(() -> api.createGithubHook(base(), "acme/shop", TOKEN, "https://x/h", "s"));
    assertThat(t).isInstanceOf(GitHostApi.HostApiException.class);
    assertThat(t.getMessage())
        .isEqualTo("cannot create the webhook of acme/shop: the host answered 401")
        .doesNotContain(TOKEN);
  }

  @Test
  void aRedirectIsNotFollowed() {
    gh.stubFor(
        post(urlEqualTo("/repos/acme/shop/hooks"))
            .willReturn(
                aResponse().withStatus(307).withHeader("Location", "http://localhost:1/steal")));
    Throwable t =
        catchThrowable(() -> api.createGithubHook(base(), "acme/shop", TOKEN, "https://x/h", "s"));
    assertThat(t).hasMessage("cannot create the webhook of acme/shop: the host answered 307");
  }

  @Test
  void deletesTheWebhookAndDeployKeyAndTakesAMissingOneAsDeleted() throws Exception {
    gh.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.delete(
                urlEqualTo("/repos/acme/shop/hooks/77"))
            .willReturn(aResponse().withStatus(204)));
    gh.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.delete(
                urlEqualTo("/repos/acme/shop/keys/5"))
            .willReturn(aResponse().withStatus(404)));
    gh.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.delete(
                urlEqualTo("/repos/acme/shop/keys/6"))
            .willReturn(aResponse().withStatus(403).withBody("{\"message\":\"" + TOKEN + "\"}")));
    api.deleteGithubHook(base(), "acme/shop", TOKEN, 77);
    api.deleteGithubDeployKey(base(), "acme/shop", TOKEN, 5);
    Throwable t = catchThrowable(() -> api.deleteGithubDeployKey(base(), "acme/shop", TOKEN, 6));
    assertThat(t)
        .hasMessage("cannot delete the deploy key 6 of acme/shop: the host answered 403")
        .hasMessageNotContaining(TOKEN);
    gh.verify(
        com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
                urlEqualTo("/repos/acme/shop/hooks/77"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28")));
    gh.verify(
        com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
            urlEqualTo("/repos/acme/shop/keys/5")));
  }
}
