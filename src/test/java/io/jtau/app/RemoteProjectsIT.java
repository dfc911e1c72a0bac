package io.jtau.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.jtau.app.cli.TauCommand;
import io.jtau.dream.Dream;
import io.jtau.source.GitHttpTestServer;
import io.jtau.source.GitSshTestServer;
import io.jtau.source.TestCommits;
import io.jtau.source.WebhookVerifier;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A project whose repositories live on another Git server (a real smart-HTTP server on loopback):
 * registered over the API with a canary token, fetched into mirrors, deployed, re-deployed by a
 * signed GitHub push webhook, with statuses reported to WireMock-as-GitHub, and every webhook bad
 * input answered without a 5xx. The canary token never appears in any answer, log line, CLI output
 * or plain file.
 */
@QuarkusTest
class RemoteProjectsIT {

  static final String CANARY = "CANARY-e2e-9b7d2f-do-not-print";
  static final String ID = "QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUx";
  static final String HOST = "hello-r4zkwrux.g.dream.localhost";
  static final ObjectMapper JSON = new ObjectMapper();

  static GitHttpTestServer upstream;
  static Repository configRepo;
  static Repository codeRepo;
  static WireMockServer github;
  static Path tmp;
  static final List<String> logs = new java.util.concurrent.CopyOnWriteArrayList<>();
  static final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logs.add(
              r.getMessage()
                  + " "
                  + java.util.Arrays.toString(r.getParameters())
                  + " "
                  + r.getThrown());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @Inject Node node;
  @Inject Dream dream;
  @Inject HttpPort port;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<String> answers = new ArrayList<>();

  @BeforeAll
  static void upstream() throws Exception {
    java.util.logging.Logger.getLogger("").addHandler(capture);
    tmp = Files.createTempDirectory("remote-it");
    upstream = new GitHttpTestServer();
    configRepo = TestCommits.bare(tmp.resolve("config.git"));
    codeRepo = TestCommits.bare(tmp.resolve("code.git"));
    upstream.serve("acme/config", configRepo);
    upstream.serve("acme/code", codeRepo);
    Map<String, String> config = files(Path.of("samples/hello/config"));
    config.replaceAll(
        (k, v) ->
            v.replace("QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy", ID)
                .replace("hello-r4zkwruy", "hello-r4zkwrux"));
    TestCommits.commit(configRepo, "main", config, "config");
    TestCommits.commit(codeRepo, "main", files(Path.of("samples/hello/code")), "code");
    github = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    github.start();
    github.stubFor(
        post(urlMatching("/repos/acme/[a-z]+/hooks"))
            .willReturn(aResponse().withStatus(201).withBody("{\"id\":1}")));
    github.stubFor(
        post(urlMatching("/repos/acme/[a-z]+/statuses/.*"))
            .willReturn(aResponse().withStatus(201)));
    github.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.delete(
                urlEqualTo("/repos/acme/config/hooks/1"))
            .willReturn(aResponse().withStatus(204)));
    github.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.delete(
                urlEqualTo("/repos/acme/code/hooks/1"))
            .willReturn(aResponse().withStatus(500).withBody("{\"message\":\"boom\"}")));
  }

  @AfterAll
  static void down() {
    java.util.logging.Logger.getLogger("").removeHandler(capture);
    github.stop();
    upstream.close();
    configRepo.close();
    codeRepo.close();
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

  String base() {
    return "http://127.0.0.1:" + port.get();
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r =
        http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    answers.add(r.statusCode() + " " + r.body());
    return r;
  }

  HttpResponse<String> register(ObjectNode body) throws Exception {
    return send(
        io.jtau.TestAuth.operator(
                HttpRequest.newBuilder(URI.create(base() + "/api/project-admin/projects")), node)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  HttpResponse<String> hook(
      String url, String secret, String event, String delivery, String body, boolean sign)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", delivery)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sign) {
      b.header(
          "X-Hub-Signature-256",
          WebhookVerifier.githubSignature(
              secret.getBytes(StandardCharsets.US_ASCII), body.getBytes(StandardCharsets.UTF_8)));
    }
    return send(b);
  }

  String served() {
    return served(HOST);
  }

  String served(String host) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base() + "/hello"))
                  .header("Host", host)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (Exception e) {
      return "error " + e;
    }
  }

  static String pushPayload(String after) {
    return "{\"ref\":\"refs/heads/main\",\"before\":\"0000000000000000000000000000000000000000\",\"after\":\""
        + after
        + "\",\"repository\":{\"full_name\":\"acme/code\",\"clone_url\":\"https://evil.example/x.git\"},"
        + "\"commits\":[{\"id\":\""
        + after
        + "\",\"message\":\"change\"}],\"head_commit\":{\"id\":\""
        + after
        + "\"}}";
  }

  @Test
  void aRemoteProjectIsRegisteredDeployedAndDrivenBySignedWebhooks() throws Exception {
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);

    // Bad repository URLs are refused at registration, naming the field.
    for (String[] bad :
        new String[][] {
          {"file:///etc/passwd", "config: repository URL scheme 'file' is not allowed"},
          {
            "http://169.254.169.254/latest/meta-data",
            "config: repository URL scheme 'http' is not allowed"
          },
          {
            "https://github.com/a/b.git\r\nX: y",
            "config: repository URL contains a control or space character"
          }
        }) {
      ObjectNode req = JSON.createObjectNode().put("name", "bad").put("config", bad[0]);
      HttpResponse<String> r = register(req);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).path("error").asText()).startsWith(bad[1]);
    }

    ObjectNode req =
        JSON.createObjectNode()
            .put("name", "remote")
            .put("config", upstream.url("acme/config"))
            .put("code", upstream.url("acme/code"))
            .put("provider", "github")
            .put("token", CANARY)
            .put("apiUrl", "http://127.0.0.1:" + github.port());
    HttpResponse<String> reg = register(req);
    assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
    JsonNode hooks = JSON.readTree(reg.body()).path("hooks");
    assertThat(hooks).hasSize(2);
    String codeHook = hooks.get(1).path("url").asText();
    String codeSecret = hooks.get(1).path("secret").asText();
    assertThat(codeHook).matches("http://localhost:\\d+/api/hooks/github/[0-9a-f]{32}");
    codeHook = codeHook.replace("http://localhost:", "http://127.0.0.1:");
    github.verify(
        postRequestedFor(urlEqualTo("/repos/acme/code/hooks"))
            .withRequestBody(
                matchingJsonPath(
                    "$.config.secret",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo(codeSecret))));
    assertThat(register(req).statusCode()).as("a name is registered once").isEqualTo(409);

    // Fetched into mirrors and deployed.
    await().atMost(Duration.ofSeconds(60)).until(() -> served().equals("200 Hello from jtau!\n"));
    ObjectId configHead = configRepo.exactRef("refs/heads/main").getObjectId();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                github.verify(
                    postRequestedFor(urlEqualTo("/repos/acme/config/statuses/" + configHead.name()))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.state",
                                com.github.tomakehurst.wiremock.client.WireMock.equalTo("success")))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.target_url",
                                com.github.tomakehurst.wiremock.client.WireMock.containing(
                                    "/api/projects/remote/events")))));

    // A new commit upstream goes live through one signed webhook; its replay costs nothing.
    Map<String, String> code = files(Path.of("samples/hello/code"));
    code.replaceAll((k, v) -> v.replace("Hello from jtau!", "Howdy from afar!"));
    ObjectId changed = TestCommits.commit(codeRepo, "main", code, "change");
    long fetchesBefore = node.projects().fetches("remote", "code");
    long buildsBefore = node.builds().buildsRun();
    String delivery = UUID.randomUUID().toString();
    HttpResponse<String> ok =
        hook(codeHook, codeSecret, "push", delivery, pushPayload(changed.name()), true);
    assertThat(ok.statusCode()).isEqualTo(202);
    HttpResponse<String> replay =
        hook(codeHook, codeSecret, "push", delivery, pushPayload(changed.name()), true);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.body()).contains("duplicate delivery");
    await().atMost(Duration.ofSeconds(60)).until(() -> served().equals("200 Howdy from afar!\n"));
    assertThat(node.projects().fetches("remote", "code") - fetchesBefore).isEqualTo(1);
    assertThat(node.builds().buildsRun() - buildsBefore)
        .as("one build for one commit")
        .isEqualTo(1);

    // Bad deliveries: never a 5xx, never a fetch.
    long fetches = node.projects().fetches("remote", "code");
    String body = pushPayload(changed.name());
    assertThat(hook(codeHook, codeSecret, "push", "d-missing", body, false).statusCode())
        .isEqualTo(401);
    HttpResponse<String> sha1 =
        send(
            HttpRequest.newBuilder(URI.create(codeHook))
                .header("X-GitHub-Event", "push")
                .header("X-Hub-Signature", "sha1=0000000000000000000000000000000000000000")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(sha1.statusCode()).isEqualTo(401);
    assertThat(sha1.body()).contains("only a sha1 signature");
    assertThat(hook(codeHook, "wrong-secret", "push", "d-wrong", body, true).statusCode())
        .isEqualTo(401);
    assertThat(hook(codeHook, codeSecret, "push", "d-malformed", "{\"ref\": [", true).statusCode())
        .isEqualTo(400);
    assertThat(hook(codeHook, codeSecret, "issues", "d-unknown", "{}", true).statusCode())
        .isEqualTo(202);
    assertThat(
            hook(
                    codeHook,
                    codeSecret,
                    "ping",
                    "d-ping",
                    "{\"zen\":\"Keep it logically awesome.\"}",
                    true)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            hook(
                    codeHook.replaceAll("[0-9a-f]{32}$", "0".repeat(32)),
                    codeSecret,
                    "push",
                    "d-404",
                    body,
                    true)
                .statusCode())
        .isEqualTo(404);
    assertThat(
            hook(
                    codeHook.replace("/github/", "/gitlab/"),
                    codeSecret,
                    "push",
                    "d-provider",
                    body,
                    true)
                .statusCode())
        .isEqualTo(404);
    assertThat(node.projects().fetches("remote", "code"))
        .as("no bad delivery caused a fetch")
        .isEqualTo(fetches);
    String noCommits =
        "{\"ref\":\"refs/heads/main\",\"before\":\""
            + changed.name()
            + "\",\"after\":\""
            + changed.name()
            + "\",\"commits\":[],\"head_commit\":null}";
    assertThat(hook(codeHook, codeSecret, "push", "d-empty", noCommits, true).statusCode())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> node.projects().fetches("remote", "code") == fetches + 1);
    assertThat(served()).isEqualTo("200 Howdy from afar!\n");

    // A 1 GB streamed body is cut at the cap: 413, and the sender is stopped long before 1 GB.
    long[] sent = streamHuge(codeHook);
    assertThat(sent[0]).isEqualTo(413);
    assertThat(sent[1]).isLessThan(256L << 20);

    // The CLI lists the project without any secret.
    String listed =
        cli("project", "list", "--node", base(), "--token", io.jtau.TestAuth.operatorToken(node));
    assertThat(listed).contains("remote").contains("acme/config").contains("[github, token]");
    String json =
        cli(
            "project",
            "list",
            "--json",
            "--node",
            base(),
            "--token",
            io.jtau.TestAuth.operatorToken(node));
    assertThat(JSON.readTree(json).get(0).path("repos").get(1).path("heads").path("main").asText())
        .isEqualTo(changed.name());

    // The canary token is nowhere: answers, CLI output, logs, plain files of the node.
    assertThat(String.join("\n", answers)).doesNotContain(CANARY);
    assertThat(listed + json).doesNotContain(CANARY);
    assertThat(String.join("\n", logs)).doesNotContain(CANARY);
    try (Stream<Path> files = Files.walk(node.dataDir())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (Files.size(f) < (64 << 20)) {
          assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
              .as(f.toString())
              .doesNotContain(CANARY);
        }
      }
    }

    // Removal forgets the project and its mirrors, and deletes the webhooks it created on
    // GitHub; a host failure is reported and the local removal completes regardless.
    String removed =
        cli(
            "project",
            "remove",
            "remote",
            "--node",
            base(),
            "--token",
            io.jtau.TestAuth.operatorToken(node));
    assertThat(removed)
        .contains("removed remote")
        .contains("deleted the webhook 1 of acme/config")
        .contains(
            "warning: cannot delete the webhook 1 of acme/code: the host answered 500; delete it"
                + " on the host by hand (Settings > Webhooks)")
        .doesNotContain(CANARY);
    github.verify(
        com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
                urlEqualTo("/repos/acme/config/hooks/1"))
            .withHeader(
                "Authorization",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + CANARY)));
    github.verify(
        com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
            urlEqualTo("/repos/acme/code/hooks/1")));
    assertThat(node.projects().exists("remote")).isFalse();
    assertThat(Files.exists(node.dataDir().resolve("mirrors/remote/code.git"))).isFalse();
    assertThat(hook(codeHook, codeSecret, "push", "d-after", body, true).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anSshProjectWithAGeneratedDeployKeyIsFetchedFromAPinnedHostServedAndCleanedUp()
      throws Exception {
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    String sshId = "QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWSSH";
    String sshHost = "hello-r4zkwssh.g.dream.localhost";
    Path dir = Files.createTempDirectory("remote-ssh-it");
    try (GitSshTestServer ssh = new GitSshTestServer();
        Repository sshConfig = TestCommits.bare(dir.resolve("config.git"));
        Repository sshCode = TestCommits.bare(dir.resolve("code.git"))) {
      Map<String, String> config = files(Path.of("samples/hello/config"));
      config.replaceAll(
          (k, v) ->
              v.replace("QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy", sshId)
                  .replace("hello-r4zkwruy", "hello-r4zkwssh"));
      TestCommits.commit(sshConfig, "main", config, "config");
      TestCommits.commit(sshCode, "main", files(Path.of("samples/hello/code")), "code");
      ssh.serve("acme/sshconfig", sshConfig);
      ssh.serve("acme/sshcode", sshCode);
      github.stubFor(
          post(urlMatching("/repos/acme/ssh[a-z]+/hooks"))
              .willReturn(aResponse().withStatus(201).withBody("{\"id\":2}")));
      github.stubFor(
          post(urlMatching("/repos/acme/ssh[a-z]+/keys"))
              .willReturn(aResponse().withStatus(201).withBody("{\"id\":9}")));
      github.stubFor(
          com.github.tomakehurst.wiremock.client.WireMock.delete(
                  urlMatching("/repos/acme/ssh[a-z]+/(hooks/2|keys/9)"))
              .willReturn(aResponse().withStatus(204)));

      ObjectNode req =
          JSON.createObjectNode()
              .put("name", "sshproj")
              .put("config", ssh.url("acme/sshconfig"))
              .put("code", ssh.url("acme/sshcode"))
              .put("provider", "github")
              .put("token", CANARY)
              .put("apiUrl", "http://127.0.0.1:" + github.port());
      // Without a pinned host key an ssh:// repository is refused at registration.
      HttpResponse<String> unpinned = register(req);
      assertThat(unpinned.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(unpinned.body()).path("error").asText())
          .startsWith("config: an ssh:// repository needs sshHostKeys");
      req.putArray("sshHostKeys").add("SHA256:short");
      HttpResponse<String> badKey = register(req);
      assertThat(badKey.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(badKey.body()).path("error").asText())
          .isEqualTo(
              "sshHostKeys: entry #1 ('SHA256:short') is not a SHA256: fingerprint, an OpenSSH"
                  + " public key line or first-use");

      req.putArray("sshHostKeys").add(ssh.hostKeyFingerprint());
      HttpResponse<String> reg = register(req);
      assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
      assertThat(reg.body()).contains("added a read-only deploy key to acme/sshconfig");

      // The node generated a key pair and gave GitHub (WireMock) the public half: let the SSH
      // server accept it. Until then fetches are refused and retried with backoff.
      var keyCalls = github.findAll(postRequestedFor(urlMatching("/repos/acme/ssh[a-z]+/keys")));
      assertThat(keyCalls).hasSize(2);
      String line = JSON.readTree(keyCalls.get(0).getBodyAsString()).path("key").asText();
      assertThat(line).startsWith("ecdsa-sha2-nistp256 ");
      ssh.authorize(
          org.apache.sshd.common.config.keys.PublicKeyEntry.parsePublicKeyEntry(line)
              .resolvePublicKey(
                  null, null, org.apache.sshd.common.config.keys.PublicKeyEntryResolver.FAILING));

      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> served(sshHost).equals("200 Hello from jtau!\n"));
      assertThat(ssh.uploads.get()).isPositive();

      // The server goes away: the last fetched version keeps serving.
      ssh.close();
      assertThat(node.projects().refresh("sshproj")).isTrue();
      long before = node.projects().fetches("sshproj", "code");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> node.projects().fetches("sshproj", "code") > before);
      assertThat(served(sshHost)).isEqualTo("200 Hello from jtau!\n");

      HttpResponse<String> removed =
          send(
              io.jtau.TestAuth.operator(
                      HttpRequest.newBuilder(
                          URI.create(base() + "/api/project-admin/projects/sshproj")),
                      node)
                  .DELETE());
      assertThat(removed.statusCode()).isEqualTo(200);
      JsonNode r = JSON.readTree(removed.body());
      assertThat(r.path("warnings")).isEmpty();
      assertThat(r.path("host").toString())
          .contains("deleted the webhook 2 of acme/sshconfig")
          .contains("deleted the deploy key 9 of acme/sshcode");
      for (String repo : List.of("sshconfig", "sshcode")) {
        github.verify(
            com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
                urlEqualTo("/repos/acme/" + repo + "/hooks/2")));
        github.verify(
            com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
                    urlEqualTo("/repos/acme/" + repo + "/keys/9"))
                .withHeader(
                    "Authorization",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + CANARY)));
      }
      assertThat(removed.body()).doesNotContain(CANARY);
      assertThat(node.projects().exists("sshproj")).isFalse();
    }
  }

  /**
   * Streams up to 1 GiB of chunked body; returns {status, bytes written}. Bounded by a deadline.
   */
  long[] streamHuge(String url) throws Exception {
    URI u = URI.create(url);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), u.getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + u.getPath()
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                  + "X-GitHub-Event: push\r\nX-Hub-Signature-256: sha256=00\r\nContent-Type: application/json\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      AtomicLong written = new AtomicLong();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) '[');
                byte[] head =
                    (Integer.toHexString(chunk.length) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                try {
                  while (written.get() < (1L << 30) && System.nanoTime() < deadline) {
                    out.write(head);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    written.addAndGet(chunk.length);
                  }
                } catch (Exception e) {
                  // the node closed the connection: expected
                }
              },
              "huge-body-writer");
      writer.setDaemon(true);
      writer.start();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.write(c);
      }
      writer.join(Duration.ofSeconds(60).toMillis());
      String status = line.toString(StandardCharsets.US_ASCII);
      return new long[] {Long.parseLong(status.split(" ")[1]), written.get()};
    }
  }

  static String cli(String... args) {
    PrintStream old = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      TauCommand.commandLine().execute(args);
    } finally {
      System.setOut(old);
      System.setErr(oldErr);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
