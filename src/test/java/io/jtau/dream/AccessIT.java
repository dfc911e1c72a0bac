package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.access.Redactor;
import io.jtau.access.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Access control end to end, through the in-process node: no token, a wrong token, a revoked token,
 * a token of another project on every kind of endpoint, a read token pushing, credentials in the
 * query string, anonymous clones, token management by a project admin, the failure limit, the audit
 * log, and a canary secret that must never show in logs or answers.
 */
@QuarkusTest
@LocalCloud
class AccessIT {

  static final ObjectMapper JSON = new ObjectMapper();

  /** The run's canary secret, also checked against every log line of the run at its end. */
  static final String CANARY = io.jtau.SuiteLogCapture.canary();

  static final List<String> LOGGED = new ArrayList<>();
  static final Handler CAPTURE =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          StringBuilder b = new StringBuilder();
          b.append(
              r instanceof org.jboss.logmanager.ExtLogRecord e
                  ? e.getFormattedMessage()
                  : r.getMessage());
          for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
            b.append(" | ").append(t);
          }
          synchronized (LOGGED) {
            LOGGED.add(b.toString());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeAll
  static void captureLogs() {
    java.util.logging.Logger.getLogger("").addHandler(CAPTURE);
  }

  @AfterAll
  static void stopCapture() {
    java.util.logging.Logger.getLogger("").removeHandler(CAPTURE);
  }

  /** Creates a token of {@code project} as the operator and returns {token, id}. */
  static String[] token(Cloud cloud, String project, String scopes) throws Exception {
    StringBuilder list = new StringBuilder();
    for (String s : scopes.split(",")) {
      list.append(list.length() == 0 ? "" : ",").append('"').append(s).append('"');
    }
    HttpResponse<String> r =
        cloud.api(
            "POST",
            "/api/projects/" + project + "/tokens",
            cloud.operatorToken(),
            "{\"scopes\":[" + list + "],\"name\":\"it\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode n = JSON.readTree(r.body());
    return new String[] {n.path("token").asText(), n.path("info").path("id").asText()};
  }

  static int status(Cloud cloud, String method, String path, String token) throws Exception {
    return cloud.api(method, path, token, method.equals("GET") ? null : "{}").statusCode();
  }

  @Test
  void noTokenWrongTokenAndRevokedTokenAreRefused(Cloud cloud) throws Exception {
    String[] read = token(cloud, "hello", "read");
    assertThat(status(cloud, "GET", "/api/projects/hello", read[0])).isEqualTo(200);
    HttpResponse<String> none = cloud.api("GET", "/api/projects/hello", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"jtau\"");
    String wrong = Tokens.generate(new SecureRandom());
    HttpResponse<String> bad = cloud.api("GET", "/api/projects/hello", wrong, null);
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.body()).contains("not valid").doesNotContain(wrong);
    assertThat(status(cloud, "GET", "/api/projects/hello", "garbage")).isEqualTo(401);

    assertThat(status(cloud, "DELETE", "/api/tokens/" + read[1], cloud.operatorToken()))
        .isEqualTo(200);
    assertThat(status(cloud, "GET", "/api/projects/hello", read[0])).isEqualTo(401);
    assertThat(
            cloud
                .git()
                .run(cloud.work(), "ls-remote", cloud.repoUrl("hello", "code", read[0]))
                .exit())
        .isNotZero();
  }

  @Test
  void aTokenOfAnotherProjectCanNeitherSeeNorChangeThisOne(Cloud cloud) throws Exception {
    String other = token(cloud, "other", "read,push,deploy,data,admin")[0];
    // Real endpoints of this branch: status, events, history, reconcile, tokens, access.
    for (String[] call :
        new String[][] {
          {"GET", "/api/projects/hello"},
          {"GET", "/api/projects/hello/events"},
          {"GET", "/api/projects/hello/history"},
          {"POST", "/api/projects/hello/reconcile"},
          {"GET", "/api/projects/hello/tokens"},
          {"POST", "/api/projects/hello/tokens"},
          {"PUT", "/api/projects/hello/access"},
          {"DELETE", "/api/projects/hello/tokens/tok_000000000000"},
          // Data: databases, storages, channels.
          {"GET", "/api/projects/hello/databases/main/keys/k"},
          {"PUT", "/api/projects/hello/databases/main/keys/k"},
          {"DELETE", "/api/projects/hello/databases/main/keys/k"},
          {"GET", "/api/projects/hello/databases/main/keys"},
          {"PUT", "/api/projects/hello/storages/files/objects/o"},
          {"GET", "/api/projects/hello/storages/files/objects/o"},
          {"GET", "/api/projects/hello/storages/files/objects"},
          {"GET", "/api/projects/hello/storages/files/versions/o"},
          {"DELETE", "/api/projects/hello/storages/files/objects/o"},
          {"POST", "/api/projects/hello/channels/news"},
          // Domains: claim, verify, release, list.
          {"POST", "/api/projects/hello/domains/example.com/claim"},
          {"POST", "/api/projects/hello/domains/example.com/verify"},
          {"DELETE", "/api/projects/hello/domains/example.com"},
          {"GET", "/api/projects/hello/domains"},
          // Builds and their logs, by project and by build id.
          {"GET", "/api/projects/hello/builds"},
          {"GET", "/api/builds/some-build/logs"},
          {"GET", "/api/builds/some-build"},
          {"POST", "/api/builds/some-build/cancel"},
          {"POST", "/api/builds/some-build/retry"},
          // Operator-only families.
          {"GET", "/api/project-admin/projects"},
          {"POST", "/api/project-admin/projects"},
          {"GET", "/api/tokens"},
          {"GET", "/api/audit"},
          {"GET", "/api/dream"},
          {"GET", "/api/acme/certs"},
          {"POST", "/api/acme/certs/dream.localhost"},
          {"GET", "/q/metrics"}
        }) {
      assertThat(status(cloud, call[0], call[1], other)).as(call[0] + " " + call[1]).isEqualTo(403);
    }
    HttpResponse<String> list = cloud.api("GET", "/api/projects", other, null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).isEqualTo("[]");
    String read = token(cloud, "hello", "read")[0];
    assertThat(cloud.api("GET", "/api/projects", read, null).body())
        .contains("\"project\":\"hello\"");
    assertThat(cloud.api("GET", "/api/projects", cloud.operatorToken(), null).body())
        .contains("\"project\":\"hello\"");

    // Build ids of this project are refused to the other project's token too.
    HttpResponse<String> builds =
        cloud.api("GET", "/api/builds?project=hello", cloud.operatorToken(), null);
    assertThat(builds.statusCode()).as(builds.body()).isEqualTo(200);
    assertThat(status(cloud, "GET", "/api/builds?project=hello", other)).isIn(200, 403);
    assertThat(cloud.api("GET", "/api/builds?project=hello", other, null).body())
        .doesNotContain("\"project\":\"hello\"");
    for (JsonNode b : JSON.readTree(builds.body())) {
      String id = b.path("id").asText();
      assertThat(status(cloud, "GET", "/api/builds/" + id, other)).as(id).isEqualTo(403);
      assertThat(status(cloud, "GET", "/api/builds/" + id + "/logs", other)).isEqualTo(403);
      assertThat(status(cloud, "POST", "/api/builds/" + id + "/retry", other)).isEqualTo(403);
    }

    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
    assertThat(
            cloud
                .git()
                .run(cloud.work(), "ls-remote", cloud.repoUrl("hello", "code", other))
                .output())
        .contains("403");
    // Pushing to this project with the other project's push token is refused too.
    Path dir = cloud.clone("hello", "code");
    Files.writeString(dir.resolve("FOREIGN.md"), "from another project's token\n");
    cloud.git().ok(dir, "add", "-A");
    cloud.git().ok(dir, "commit", "-qm", "foreign push");
    GitCli.Result push =
        cloud.git().run(dir, "push", cloud.repoUrl("hello", "code", other), "HEAD:main");
    assertThat(push.exit()).as(push.output()).isNotZero();
    assertThat(push.output()).contains("403").doesNotContain(other);
  }

  @Test
  void buildLogsAreRedactedInTextAndEvents(Cloud cloud) throws Exception {
    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
    // Not the suite's canary: the build log is stored as the build wrote it, and the canary test
    // checks that no stored file holds the canary. The answers are what must be redacted.
    String secret =
        "jtau-buildlog-" + java.util.HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    cloud.node().redactor().register(secret);
    // The WAT builder logs the file it compiles: a source file named after the secret puts the
    // secret into the build log.
    Path dir = cloud.clone("hello", "code");
    Path fn = dir.resolve("functions/hello");
    Files.move(fn.resolve("main.wat"), fn.resolve(secret + ".wat"));
    cloud.git().ok(dir, "add", "-A");
    cloud.git().ok(dir, "commit", "-qm", "a source file named after a secret");
    cloud.git().ok(dir, "push", "-q", "origin", "HEAD:main");
    ObjectMapper json = new ObjectMapper();
    String[] id = {null};
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              for (JsonNode job :
                  json.readTree(cloud.api("GET", "/api/builds?project=hello").body())) {
                String text =
                    cloud.api("GET", "/api/builds/" + job.get("id").asText() + "/logs").body();
                if (text.contains("wat2wasm") && text.contains(Redactor.MASK)) {
                  id[0] = job.get("id").asText();
                  return true;
                }
              }
              return false;
            });
    String text = cloud.api("GET", "/api/builds/" + id[0] + "/logs").body();
    assertThat(text).doesNotContain(secret);
    HttpResponse<String> events =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + cloud.port() + "/api/builds/" + id[0] + "/logs"))
                    .header("Authorization", "Bearer " + cloud.operatorToken())
                    .header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(events.body()).contains(Redactor.MASK).doesNotContain(secret);
    // Put the sample back as it was for the other tests.
    Files.move(fn.resolve(secret + ".wat"), fn.resolve("main.wat"));
    cloud.git().ok(dir, "add", "-A");
    cloud.git().ok(dir, "commit", "-qm", "back to main.wat");
    cloud.git().ok(dir, "push", "-q", "origin", "HEAD:main");
  }

  @Test
  void aReadTokenClonesButCannotPushAPushTokenCanAndThePushIsAudited(Cloud cloud) throws Exception {
    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
    String read = token(cloud, "hello", "read")[0];
    String[] push = token(cloud, "hello", "push");
    Path dir = Files.createTempDirectory(cloud.work(), "read-clone-");
    Files.delete(dir);
    cloud
        .git()
        .ok(cloud.work(), "clone", "-q", cloud.repoUrl("hello", "code", read), dir.toString());
    Files.writeString(dir.resolve("NOTES.md"), "from a read token\n");
    cloud.git().ok(dir, "add", "-A");
    cloud.git().ok(dir, "commit", "-qm", "try with read");
    GitCli.Result refused = cloud.git().run(dir, "push", "origin", "HEAD:main");
    assertThat(refused.exit()).as(refused.output()).isNotZero();
    assertThat(refused.output()).contains("403").doesNotContain(read);

    GitCli.Result ok =
        cloud.git().run(dir, "push", cloud.repoUrl("hello", "code", push[0]), "HEAD:main");
    assertThat(ok.exit()).as(ok.output()).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> cloud.api("GET", "/api/audit?project=hello&limit=50").body().contains(push[1]));
    String audit = cloud.api("GET", "/api/audit?project=hello&limit=50").body();
    assertThat(audit).contains("\"action\":\"push\"").contains("\"actor\":\"token:" + push[1]);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                cloud
                    .api("GET", "/api/audit?project=hello&limit=50")
                    .body()
                    .contains("\"action\":\"deploy\""));
  }

  @Test
  void credentialsInTheQueryStringAreRefusedEvenWhenValid(Cloud cloud) throws Exception {
    String op = cloud.operatorToken();
    for (String q : new String[] {"?token=", "?access_token=", "?branch=main&api_key="}) {
      HttpResponse<String> r = cloud.api("GET", "/api/projects/hello" + q + op, null, null);
      assertThat(r.statusCode()).as(q).isEqualTo(400);
      assertThat(r.body()).contains("Authorization header").doesNotContain(op);
    }
    assertThat(
            cloud
                .api(
                    "GET",
                    "/git/hello/code.git/info/refs?service=git-upload-pack&token=" + op,
                    null,
                    null)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void anonymousClonesOnlyWhereTheProjectOptsIn(Cloud cloud) throws Exception {
    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
    String admin = token(cloud, "hello", "admin")[0];
    String url = cloud.repoUrl("hello", "config", null);
    HttpResponse<String> challenge =
        cloud.api("GET", "/git/hello/config.git/info/refs?service=git-upload-pack", null, null);
    assertThat(challenge.statusCode()).isEqualTo(401);
    assertThat(challenge.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"jtau\"");
    assertThat(cloud.git().run(cloud.work(), "ls-remote", url).exit()).isNotZero();
    try {
      HttpResponse<String> on =
          cloud.api("PUT", "/api/projects/hello/access", admin, "{\"anonymousRead\":true}");
      assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
      assertThat(cloud.git().run(cloud.work(), "ls-remote", url).exit()).isZero();
      assertThat(
              cloud
                  .api(
                      "GET", "/git/hello/config.git/info/refs?service=git-receive-pack", null, null)
                  .statusCode())
          .as("pushes always need a token")
          .isEqualTo(401);
    } finally {
      cloud.api("PUT", "/api/projects/hello/access", admin, "{\"anonymousRead\":false}");
    }
    assertThat(cloud.git().run(cloud.work(), "ls-remote", url).exit()).isNotZero();
  }

  @Test
  void aProjectAdminManagesOnlyItsOwnProjectsTokens(Cloud cloud) throws Exception {
    String admin = token(cloud, "hello", "admin")[0];
    String[] foreign = token(cloud, "other", "read");
    HttpResponse<String> created =
        cloud.api(
            "POST", "/api/projects/hello/tokens", admin, "{\"scopes\":[\"read\"],\"name\":\"ci\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = JSON.readTree(created.body()).path("info").path("id").asText();
    HttpResponse<String> listed = cloud.api("GET", "/api/projects/hello/tokens", admin, null);
    assertThat(listed.body()).contains(id).doesNotContain("jtau_");
    assertThat(status(cloud, "DELETE", "/api/projects/hello/tokens/" + foreign[1], admin))
        .isEqualTo(404);
    assertThat(status(cloud, "DELETE", "/api/projects/other/tokens/" + foreign[1], admin))
        .isEqualTo(403);
    assertThat(status(cloud, "DELETE", "/api/tokens/" + foreign[1], admin)).isEqualTo(403);
    assertThat(status(cloud, "DELETE", "/api/projects/hello/tokens/" + id, admin)).isEqualTo(200);
    String read = token(cloud, "hello", "read")[0];
    assertThat(status(cloud, "POST", "/api/projects/hello/tokens", read)).isEqualTo(403);
    HttpResponse<String> badScope =
        cloud.api("POST", "/api/projects/hello/tokens", admin, "{\"scopes\":[\"write\"]}");
    assertThat(badScope.statusCode()).isEqualTo(400);
    assertThat(badScope.body()).contains("unknown scope 'write'");
    assertThat(cloud.api("GET", "/api/audit?project=hello", cloud.operatorToken(), null).body())
        .contains("token.create")
        .contains("token.revoke");
  }

  @Test
  void publicPathsNeedNoTokenAndMetricsNeedTheOperator(Cloud cloud) throws Exception {
    assertThat(status(cloud, "GET", "/q/health", null)).isEqualTo(200);
    assertThat(status(cloud, "GET", "/q/metrics", null)).isEqualTo(401);
    assertThat(status(cloud, "GET", "/q/metrics", cloud.operatorToken())).isEqualTo(200);
    assertThat(cloud.body(PushToLiveIT.HOST, "/hello")).startsWith("200 ");
    assertThat(status(cloud, "GET", "/api/nothing-here", null)).isEqualTo(401);
    assertThat(status(cloud, "GET", "/api/projects/hello/../hello/status", null)).isEqualTo(401);
  }

  @Test
  void dataCallsAreAudited(Cloud cloud) throws Exception {
    String[] data = token(cloud, "hello", "data");
    cloud.api("GET", "/api/projects/hello/databases/main/keys/k", data[0], null);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cloud
                    .api("GET", "/api/audit?project=hello&limit=100")
                    .body()
                    .contains("\"action\":\"data.read\""));
  }

  @Test
  void repeatedFailuresFromOneAddressAreAnswered429(Cloud cloud) throws Exception {
    int max = cloud.node().config().access().maxAuthFailures();
    try {
      int last = 0;
      for (int i = 0; i < max + 5 && last != 429; i++) {
        last = status(cloud, "GET", "/api/projects/hello", Tokens.generate(new SecureRandom()));
      }
      assertThat(last).isEqualTo(429);
      HttpResponse<String> blocked = cloud.api("GET", "/api/projects/hello");
      assertThat(blocked.statusCode()).as("even a good token waits").isEqualTo(429);
      assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
    } finally {
      cloud.node().authFailures().clear();
    }
    assertThat(status(cloud, "GET", "/api/projects/hello", cloud.operatorToken())).isEqualTo(200);
  }

  @Test
  void aCanarySecretNeverShowsInLogsOrAnswers(Cloud cloud) throws Exception {
    String op = cloud.operatorToken();
    String c = CANARY;
    // The canary enters the node as a real secret: the token of a remote project's repositories
    // (sealed at rest, registered with the redactor, used by every fetch, which fails here).
    HttpResponse<String> reg =
        cloud.api(
            "POST",
            "/api/project-admin/projects",
            op,
            "{\"name\":\"canary\",\"config\":\"http://127.0.0.1:9/acme/config.git\","
                + "\"token\":\""
                + c
                + "\"}");
    assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
    assertThat(reg.body()).doesNotContain(c);
    String hookUrl = JSON.readTree(reg.body()).path("hooks").get(0).path("url").asText();
    String hookPath = hookUrl.substring(hookUrl.indexOf("/api/hooks/"));
    try {
      String sealed = cloud.node().secrets().seal(c, "project/hello/repo-token");
      assertThat(sealed).doesNotContain(c);
      assertThat(cloud.node().secrets().open(sealed, "project/hello/repo-token")).isEqualTo(c);
      List<HttpResponse<String>> answers = new ArrayList<>();
      // Every API family, each provoked into an error that could echo the canary.
      String[][] calls = {
        // projects
        {"GET", "/api/projects/" + c, null},
        {"GET", "/api/projects/hello/history?branch=" + c, null},
        {"GET", "/api/projects/hello/events?branch=" + c, null},
        {"POST", "/api/projects/" + c + "/reconcile", null},
        {"PUT", "/api/projects/hello/access", "{\"anonymousRead\":\"" + c + "\"}"},
        {"PUT", "/api/projects/hello/access", "{\"" + c + "\":"},
        // project registration (remote repositories)
        {
          "POST",
          "/api/project-admin/projects",
          "{\"name\":\"canary2\",\"config\":\"https://x:" + c + "@127.0.0.1:9/a/b.git\"}"
        },
        {"POST", "/api/project-admin/projects", "{\"name\":\"" + c + "!\",\"config\":\"x\"}"},
        {
          "POST",
          "/api/project-admin/projects",
          "{\"name\":\"canary3\",\"config\":\"ftp://" + c + "/x.git\"}"
        },
        {"DELETE", "/api/project-admin/projects/" + c, null},
        // builds and their logs
        {"GET", "/api/builds/" + c, null},
        {"POST", "/api/builds/" + c + "/retry", null},
        {"POST", "/api/builds/" + c + "/cancel", null},
        {"GET", "/api/builds/" + c + "/logs", null},
        {"GET", "/api/projects/hello/builds?branch=" + c, null},
        // databases
        {"GET", "/api/projects/hello/databases/" + c + "/keys/" + c, null},
        {"PUT", "/api/projects/hello/databases/" + c + "/keys/k?branch=" + c, "{}"},
        {"GET", "/api/projects/" + c + "/databases/main/keys", null},
        // storages
        {"PUT", "/api/projects/hello/storages/" + c + "/objects/" + c, "{}"},
        {"GET", "/api/projects/hello/storages/files/objects/" + c + "?branch=" + c, null},
        {"GET", "/api/projects/hello/storages/" + c + "/versions/" + c, null},
        // domains
        {"POST", "/api/projects/hello/domains/-" + c + "..example.com/claim", null},
        {"POST", "/api/projects/hello/domains/" + c + "/verify", null},
        {"DELETE", "/api/projects/hello/domains/" + c + ".example.com", null},
        {"GET", "/api/projects/" + c + "/domains", null},
        // tokens
        {"DELETE", "/api/tokens/" + c, null},
        {"DELETE", "/api/projects/hello/tokens/" + c, null},
        {"POST", "/api/projects/hello/tokens", "{\"scopes\":[\"" + c + "\"]}"},
        {"POST", "/api/projects/hello/tokens", "{\"scopes\":[\"read\"],\"name\":\"" + c + "\\n\"}"},
        {"POST", "/api/tokens", "{\"project\":\"" + c + "!\",\"scopes\":[\"read\"]}"},
        {"GET", "/api/audit?project=" + c + "&limit=" + c, null},
        // webhooks
        {"POST", "/api/hooks/github/" + c, "{}"},
        {"POST", "/api/hooks/" + c + "/x", "{}"},
        {"POST", hookPath, "{\"secret\":\"" + c + "\"}"},
        // pub/sub
        {"POST", "/api/projects/hello/channels/" + c + "?branch=" + c, c},
        // dream API
        {"POST", "/api/dream/samples/" + c, null},
        {"POST", "/api/dream/repos/hello/" + c + "/push", null},
        {"POST", "/api/dream/repos/" + c + "/config/push", null},
        // git
        {"GET", "/git/hello/" + c + ".git/info/refs?service=git-upload-pack", null},
        {"GET", "/git/" + c + "/code.git/info/refs?service=git-upload-pack", null},
        {"POST", "/git/hello/code.git/" + c, c}
      };
      for (String[] call : calls) {
        answers.add(cloud.api(call[0], call[1], op, call[2]));
      }
      // The canary as a credential, in headers and in the query string.
      answers.add(cloud.api("GET", "/api/projects/hello", c, null));
      answers.add(cloud.api("GET", "/api/projects/hello?token=" + c, null, null));
      answers.add(cloud.api("GET", "/git/hello/code.git/info/refs?password=" + c, null, null));
      // The gateway: an unknown host and a malformed path naming the canary.
      answers.add(cloud.get(c + ".example.com", "/"));
      answers.add(cloud.get(PushToLiveIT.HOST, "/" + c + "/%C3%28"));
      answers.add(cloud.get(PushToLiveIT.HOST, "/" + c + "%00"));
      List<String> seen = new ArrayList<>();
      for (HttpResponse<String> a : answers) {
        String what = a.request().method() + " " + a.uri() + " -> " + a.statusCode();
        seen.add(what);
        assertThat(a.body()).as(what).doesNotContain(c).doesNotContain("at io.jtau.");
        assertThat(a.statusCode()).as(what + " " + a.body()).isLessThan(500);
      }
      assertThat(answers).hasSizeGreaterThan(40);
      // The canary was echoed by many of those answers and removed on the way out.
      long masked =
          answers.stream().filter(a -> a.body().contains(io.jtau.access.Redactor.MASK)).count();
      System.out.printf("canary probes: %d answers, %d redacted%n", answers.size(), masked);
      assertThat(masked).isGreaterThanOrEqualTo(10);
      // Pushing with the canary as the password of the Git server's basic auth.
      if (GitCli.available()) {
        GitCli.Result r =
            cloud.git().run(cloud.work(), "ls-remote", cloud.repoUrl("hello", "code", c));
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).doesNotContain(c);
      }
      // The failing fetches of the canary project ran (and logged) with the canary as token.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cloud.node().projects().fetches("canary", "config") >= 1);
      Logger log = Logger.getLogger("io.jtau.test.canary");
      log.infof("cloning with repo token %s", c);
      log.warn("failed: https://x:" + c + "@git.example.com/r.git");
      log.error("push failed", new IllegalStateException("remote said " + c));
      java.util.logging.Logger.getLogger("io.jtau.test.jul").info("jul " + c);
      synchronized (LOGGED) {
        assertThat(LOGGED)
            .anySatisfy(l -> assertThat(l).contains("cloning with repo token <redacted>"));
        assertThat(LOGGED).allSatisfy(l -> assertThat(l).doesNotContain(c));
        assertThat(LOGGED)
            .allSatisfy(l -> assertThat(Tokens.PATTERN.matcher(l).find()).as(l).isFalse());
      }
      // Nothing the node wrote to disk holds the canary in plain text (sealed at rest).
      try (java.util.stream.Stream<Path> files = Files.walk(cloud.node().dataDir())) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (Files.size(f) < (64 << 20)) {
            assertThat(
                    new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as(f.toString())
                .doesNotContain(c);
          }
        }
      }
    } finally {
      cloud.api("DELETE", "/api/project-admin/projects/canary", op, null);
    }
  }

  @Test
  void aDatabaseKeyInProjectConfigIsSealedAtRestAndRedacted(Cloud cloud) throws Exception {
    Assumptions.assumeTrue(GitCli.available(), "the git client is not installed");
    String dbKey =
        "dbkey-" + java.util.HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    Path samples =
        cloud
            .node()
            .config()
            .projectDir()
            .map(d -> Path.of(d, "samples"))
            .orElse(Path.of("samples"));
    Path root = Files.createTempDirectory(cloud.work(), "sealed-samples-");
    copyTree(samples.resolve("kv"), root.resolve("sealed"));
    Path config = root.resolve("sealed/config");
    // Another project id (and so another generated domain) than the kv sample the dream serves.
    for (Path f : List.of(config.resolve("config.yaml"), config.resolve("domains/kv.yaml"))) {
      Files.writeString(
          f,
          Files.readString(f)
              .replace(
                  "QmT1AKSYZ9fWuuFrBVhvoxPE92akLQkkR2U8zyfhjuHn8z",
                  "QmT1AKSYZ9fWuuFrBVhvoxPE92akLQkkR2U8zyfhjuHn8y")
              .replace("kv-fhjuhn8z", "kv-fhjuhn8y"));
    }
    Files.writeString(
        config.resolve("databases/visits.yaml"),
        "encryption:\n  type: aes\n  key: " + dbKey + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    cloud.pushSample("sealed", root);

    io.jtau.model.Snapshot live =
        cloud
            .node()
            .registry()
            .current(new io.jtau.model.ProjectKey("sealed", "main"))
            .orElseThrow();
    assertThat(live.config().resources())
        .filteredOn(r -> r instanceof io.jtau.model.Resource.Database)
        .singleElement()
        .extracting(r -> ((io.jtau.model.Resource.Database) r).encryptionKey())
        .as("read back in plain")
        .isEqualTo(dbKey);
    // At rest the registry holds it sealed only (the config repository holds what was committed).
    try (java.util.stream.Stream<Path> files =
        Files.walk(cloud.node().dataDir().resolve("registry"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain(dbKey);
      }
    }
    // The redactor knows it: logs and error answers naming it show <redacted>.
    assertThat(cloud.node().redactor().redact("key " + dbKey)).isEqualTo("key <redacted>");
    HttpResponse<String> echo =
        cloud.api(
            "GET",
            "/api/projects/sealed/databases/" + dbKey + "/keys/k",
            cloud.operatorToken(),
            null);
    assertThat(echo.statusCode()).isEqualTo(404);
    assertThat(echo.body()).doesNotContain(dbKey);
  }

  static void copyTree(Path from, Path to) throws java.io.IOException {
    try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.sorted().toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
