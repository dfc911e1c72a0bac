package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.dream.Dream;
import io.jtau.model.Cid;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The gateway through a real in-process node: websites served from bundles in the content store, an
 * atomic switch between versions, DNS for served names, domain isolation and bad HTTP input.
 */
@QuarkusTest
class GatewayIT {

  static final String PROJECT_ID = "QmSiteProjectForGatewayTestsAbCdEfGh";
  static final String HOST = "site-abcdefgh.g.dream.localhost";
  static final String CUSTOM = "www.customer.test";
  static final ProjectKey KEY = new ProjectKey("site", "main");

  @Inject Node node;
  @Inject Dream dream;
  @Inject HttpPort port;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void setUp() throws Exception {
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    if (node.git().find("site", "config").isEmpty()) {
      node.git().create("site", "config");
    }
    deploy(version(1));
  }

  static Map<String, String> version(int v) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "index.html", "<html><script src=\"/app." + v + ".js\"></script>version " + v + "</html>");
    files.put("app." + v + ".js", ("console.log('version " + v + "');\n").repeat(200));
    files.put("docs/index.html", "<html>docs " + v + "</html>");
    files.put("data.bin", "0123456789");
    return files;
  }

  static byte[] zip(Map<String, String> files) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        z.putNextEntry(new ZipEntry(f.getKey()));
        z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** Applies a snapshot with one website on the generated and a custom domain. */
  Cid deploy(Map<String, String> files) throws Exception {
    return deploy(files, null, null);
  }

  /** Deploys; with a certificate, both domains carry it inline. */
  Cid deploy(Map<String, String> files, String cert, String key) throws Exception {
    Cid bundle = node.store().put(zip(files));
    String type = cert == null ? "auto" : "inline";
    Resource.Domain generated =
        new Resource.Domain(Identity.of("QmDomGen", "generated"), null, HOST, type, cert, key);
    Resource.Domain custom =
        new Resource.Domain(Identity.of("QmDomCustom", "custom"), null, CUSTOM, type, cert, key);
    Resource.Website site =
        new Resource.Website(
            Identity.of("QmWebsite", "site"),
            null,
            List.of("QmDomGen", "QmDomCustom"),
            List.of("/"),
            "main",
            "github",
            "1",
            "acme/site");
    ProjectConfig config =
        new ProjectConfig(
            PROJECT_ID, "site", "", "", "", "", null, List.of(), List.of(generated, custom, site));
    Snapshot s =
        new Snapshot(
            KEY,
            "rev-" + System.nanoTime() + "-" + bundle,
            "c" + bundle,
            "",
            0,
            config,
            Map.of(Snapshot.assetKey(site), bundle.value()),
            Map.of(),
            List.of());
    node.registry().publish(s);
    for (io.jtau.reconcile.StateApplier applier :
        List.of(
            new WebsiteApplier(node.gateway(), node.bundles()),
            new TlsApplier(node.sni(), (h, k, id) -> !h.equals(CUSTOM)))) {
      applier.prepare(KEY, s);
      applier.apply(KEY, s);
    }
    return bundle;
  }

  HttpResponse<String> get(String host, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheWebsiteWithEtagsRangesCompressionAndSpaFallback() throws Exception {
    HttpResponse<String> root = get(HOST, "/");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).contains("version 1");
    assertThat(root.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    String etag = root.headers().firstValue("ETag").orElseThrow();
    assertThat(get(HOST, "/", "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(get(HOST, "/client/side/route").body()).contains("version 1");
    assertThat(get(HOST, "/docs/").body()).isEqualTo("<html>docs 1</html>");
    HttpResponse<String> redirect = get(HOST, "/docs/index.html");
    assertThat(redirect.statusCode()).isEqualTo(301);
    assertThat(redirect.headers().firstValue("Location")).hasValue("./");
    HttpResponse<String> range = get(HOST, "/data.bin", "Range", "bytes=3-5");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo("345");
    assertThat(get(HOST, "/data.bin", "Range", "bytes=50-").statusCode()).isEqualTo(416);
    HttpResponse<byte[]> gz =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/app.1.js"))
                .header("Host", HOST)
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gz.body().length).isLessThan(1000);
    HttpResponse<byte[]> br =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/app.1.js"))
                .header("Host", HOST)
                .header("Accept-Encoding", "br, gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (io.jtau.runtime.gateway.Brotli.load().isPresent()) {
      assertThat(br.headers().firstValue("Content-Encoding")).hasValue("br");
      assertThat(br.headers().firstValue("ETag").orElseThrow()).endsWith("/app.1.js+br\"");
    }
    assertThat(get(HOST, "/", "X-Method", "x").headers().firstValue("Cache-Control"))
        .hasValue("no-cache");
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/"))
                .header("Host", HOST)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(404);
  }

  @Test
  void aNewVersionSwitchesAtomically() throws Exception {
    AtomicBoolean switched = new AtomicBoolean();
    List<String> problems = new ArrayList<>();
    Thread loop =
        new Thread(
            () -> {
              int seenNew = 0;
              for (int i = 0; i < 400 && seenNew < 50; i++) {
                try {
                  HttpResponse<String> idx = get(HOST, "/");
                  int v = idx.body().contains("version 2") ? 2 : 1;
                  if (v == 2) {
                    seenNew++;
                  } else if (seenNew > 0) {
                    problems.add("saw version 1 after version 2");
                  }
                  String etag = idx.headers().firstValue("ETag").orElse("");
                  // The body and its ETag (bundle CID) always belong to the same version.
                  if (!idx.body().equals(version(v).get("index.html"))) {
                    problems.add("index of no version: " + idx.body());
                  }
                  if (switched.get() && v == 1 && seenNew > 0) {
                    problems.add("old after new");
                  }
                  HttpResponse<String> asset = get(HOST, "/app." + v + ".js");
                  String body = asset.body();
                  if (!body.equals(version(v).get("app." + v + ".js"))
                      && !body.equals(version(2).get("index.html"))) {
                    problems.add("asset of version " + v + " was: " + body.substring(0, 40));
                  }
                  assertThat(etag).isNotEmpty();
                } catch (Exception e) {
                  problems.add(e.toString());
                }
              }
            });
    loop.start();
    await().pollDelay(Duration.ofMillis(100)).until(() -> true);
    deploy(version(2));
    switched.set(true);
    loop.join(60_000);
    assertThat(problems).isEmpty();
    assertThat(get(HOST, "/").body()).contains("version 2");
  }

  @Test
  void unknownHostsAre404AndTheNodeApiStillAnswersOnItsOwnNames() throws Exception {
    HttpResponse<String> unknown = get("nobody.example.org", "/api/projects");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("no project serves nobody.example.org\n");
    assertThat(get("other-zzzzzzzz.g.dream.localhost", "/").statusCode()).isEqualTo(404);
    assertThat(
            get("127.0.0.1", "/api/projects", "Authorization", "Bearer " + operatorToken())
                .statusCode())
        .isEqualTo(200);
    assertThat(get("localhost:" + port.get(), "/q/health").statusCode()).isEqualTo(200);
  }

  @Test
  void anotherProjectsDomainWithoutVerificationIs404() throws Exception {
    // The site project declares www.customer.test but never proved it.
    assertThat(node.gateway().conflicts(KEY))
        .contains(CUSTOM + " is not verified for project site");
    assertThat(get(CUSTOM, "/").statusCode()).isEqualTo(404);
    // A claim alone does not serve; a verification that finds no token does not either.
    HttpResponse<String> claim = post("/api/projects/site/domains/" + CUSTOM + "/claim");
    assertThat(claim.statusCode()).isEqualTo(200);
    JsonNode c = new ObjectMapper().readTree(claim.body());
    assertThat(c.path("token").asText()).startsWith("jtau-verify=");
    assertThat(c.path("txtNames").get(0).asText()).isEqualTo("_jtau." + CUSTOM);
    assertThat(c.path("txtNames").get(1).asText()).isEqualTo("QmSitePr." + CUSTOM);
    JsonNode v =
        new ObjectMapper()
            .readTree(post("/api/projects/site/domains/" + CUSTOM + "/verify").body());
    assertThat(v.path("verified").asBoolean()).isFalse();
    assertThat(get(CUSTOM, "/").statusCode()).isEqualTo(404);
    assertThat(post("/api/projects/nope/domains/" + CUSTOM + "/claim").statusCode()).isEqualTo(404);
    assertThat(post("/api/projects/site/domains/..%2Fx/claim").statusCode()).isIn(400, 404);
  }

  String operatorToken() throws Exception {
    return Files.readString(node.operatorTokenFile()).strip();
  }

  HttpResponse<String> post(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path))
            .header("Authorization", "Bearer " + operatorToken())
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void dnsAnswersForServicesAndServedNamesOnly() throws Exception {
    assertThat(node.dnsPort()).isPositive();
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", node.dnsPort()));
    r.setTimeout(Duration.ofSeconds(3));
    Message site = r.send(query(HOST, Type.A));
    assertThat(site.getSection(Section.ANSWER))
        .extracting(Record::rdataToString)
        .containsExactly("127.0.0.1");
    assertThat(r.send(query("gateway.tau.dream.localhost", Type.A)).getRcode())
        .isEqualTo(Rcode.NOERROR);
    assertThat(r.send(query("hello-r4zkwruy.g.dream.localhost", Type.A)).getSection(Section.ANSWER))
        .hasSize(1);
    assertThat(r.send(query("other-zzzzzzzz.g.dream.localhost", Type.A)).getRcode())
        .isEqualTo(Rcode.NXDOMAIN);
    // The unverified custom domain is not given out either.
    assertThat(r.send(query(CUSTOM, Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
    JsonNode dreamJson =
        new ObjectMapper().readTree(Files.readString(node.dataDir().resolve("dream.json")));
    assertThat(dreamJson.path("dnsPort").asInt()).isEqualTo(node.dnsPort());
  }

  static Message query(String name, int type) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN));
  }

  /** Sends raw bytes and returns the status line (or "closed"). */
  String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port.get())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
      return line.length() == 0 ? "closed" : line.toString().trim();
    }
  }

  @Test
  void pathTraversalNeverLeavesTheBundle() throws Exception {
    for (String path :
        List.of(
            "/../../etc/passwd",
            "/docs/../../x",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/docs%2findex.html",
            "/index.html%00.js",
            "/..%5c..%5cwindows",
            "/%c0%ae%c0%ae/")) {
      String status =
          raw("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
      assertThat(status).as(path).matches("HTTP/1.1 (400|404) .*");
    }
  }

  @Test
  void oversizedUrlsAndHeaderFloodsAreRefusedNotCrashes() throws Exception {
    String longUrl = "/" + "a".repeat(16 * 1024);
    assertThat(raw("GET " + longUrl + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"))
        .matches("HTTP/1.[01] (414|431|400) .*");
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n");
    for (int i = 0; i < 10_000; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    many.append("\r\n");
    assertThat(raw(many.toString())).matches("HTTP/1.[01] (431|400) .*");
    assertThat(get(HOST, "/").statusCode()).isEqualTo(200);
  }

  @Test
  void aHalfSentRequestIsClosedByTheIdleTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port.get())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Slow: ").getBytes());
      s.getOutputStream().flush();
      long t0 = System.nanoTime();
      int read = s.getInputStream().read();
      long waited = (System.nanoTime() - t0) / 1_000_000;
      assertThat(read).isEqualTo(-1);
      // Closed by the server (8 s idle timeout in tests), well before our own 30 s read timeout.
      assertThat(waited).isLessThan(29_000);
    }
  }

  @Inject TlsServer tls;
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp;

  /** A TLS connection to the node's HTTPS port, handshaken with SNI and the ALPN protocols. */
  javax.net.ssl.SSLSocket handshake(String sniName, String... protocols) throws Exception {
    return io.jtau.TlsProbe.handshake(tls.port(), sniName, null, protocols);
  }

  /** Connects over TLS with an SNI name, sends GET /, returns (certificate CN, status line). */
  String[] tlsGet(String sniName) throws Exception {
    io.jtau.TlsProbe.Served s = io.jtau.TlsProbe.get(tls.port(), sniName, null);
    return new String[] {s.subject(), s.status()};
  }

  @Test
  void tlsServesTheNodeCertificateThenInlineCertificatesOnlyForOwnedNames() throws Exception {
    String[] plain = tlsGet(HOST);
    assertThat(plain[0]).isEqualTo("CN=dream.localhost");
    assertThat(plain[1]).isEqualTo("HTTP/1.1 200 OK");
    var kc =
        io.jtau.runtime.gateway.SelfSigned.loadOrCreate(
            tmp, List.of(HOST), List.of(), new java.util.Random(3));
    String certPem = io.jtau.runtime.gateway.Pem.encode("CERTIFICATE", kc.chain()[0].getEncoded());
    String keyPem = io.jtau.runtime.gateway.Pem.encode("PRIVATE KEY", kc.key().getEncoded());
    deploy(version(1), certPem, keyPem);
    assertThat(tlsGet(HOST)[0]).isEqualTo("CN=" + HOST);
    // The same certificate on a name the project does not own is never presented.
    assertThat(tlsGet(CUSTOM)[0]).isEqualTo("CN=dream.localhost");
    deploy(version(1));
    assertThat(tlsGet(HOST)[0]).isEqualTo("CN=dream.localhost");
  }

  /** A TLS handshake offering {@code protocols} with SNI; returns (negotiated ALPN, leaf). */
  Object[] alpnHandshake(String sniName, String... protocols) throws Exception {
    try (javax.net.ssl.SSLSocket s = handshake(sniName, protocols)) {
      return new Object[] {s.getApplicationProtocol(), s.getSession().getPeerCertificates()[0]};
    }
  }

  @Test
  void tlsAlpnValidationIsNegotiatedOnlyForAPendingChallengeOfThatName() throws Exception {
    var challenges = node.acmeChallenges();
    // Ordinary clients: h2 over TLS as before. With nothing pending, a client offering only
    // acme-tls/1 is refused like any client offering no protocol the server speaks.
    assertThat(alpnHandshake(HOST, "h2", "http/1.1")[0]).isEqualTo("h2");
    assertThat(alpnHandshake(HOST, "http/1.1")[0]).isEqualTo("http/1.1");
    assertThatThrownBy(() -> alpnHandshake(HOST, "acme-tls/1"))
        .hasMessageContaining("no_application_protocol");
    var validation =
        io.jtau.runtime.gateway.SelfSigned.loadOrCreate(
            tmp.resolve("alpn"), List.of(CUSTOM), List.of(), new java.util.Random(7));
    challenges.putTlsAlpn(CUSTOM, validation);
    try {
      Object[] acme = alpnHandshake(CUSTOM, "acme-tls/1");
      assertThat(acme[0]).isEqualTo("acme-tls/1");
      assertThat(acme[1]).isEqualTo(validation.chain()[0]);
      // Another name asking for acme-tls/1 gets no certificate at all (handshake refused).
      assertThatThrownBy(() -> alpnHandshake(HOST, "acme-tls/1"))
          .isInstanceOf(javax.net.ssl.SSLException.class);
      // Browsers meanwhile are unaffected: h2 and the usual certificate.
      Object[] browser = alpnHandshake(CUSTOM, "h2", "http/1.1");
      assertThat(browser[0]).isEqualTo("h2");
      assertThat(browser[1]).isNotEqualTo(validation.chain()[0]);
    } finally {
      challenges.removeTlsAlpn(CUSTOM);
    }
    assertThatThrownBy(() -> alpnHandshake(CUSTOM, "acme-tls/1"))
        .hasMessageContaining("no_application_protocol");
  }

  @Test
  void http2CleartextWorks() throws Exception {
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> r =
        h2.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/q/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    boolean curl = Files.isExecutable(java.nio.file.Path.of("/usr/bin/curl"));
    Assumptions.assumeTrue(curl, "curl is not installed: website over h2c not checked");
    Process p =
        new ProcessBuilder(
                "curl",
                "-s",
                "--http2-prior-knowledge",
                "-o",
                "/dev/null",
                "-w",
                "%{http_version} %{http_code}",
                "-H",
                "Host: " + HOST,
                "http://127.0.0.1:" + port.get() + "/")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    assertThat(out).isEqualTo("2 200");
  }
}
