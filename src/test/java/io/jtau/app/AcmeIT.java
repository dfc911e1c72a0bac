package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.Pebble;
import io.jtau.TlsProbe;
import io.jtau.dream.Dream;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.runtime.dns.Authority;
import io.jtau.runtime.dns.DnsServer;
import io.jtau.runtime.dns.Zone;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;

/**
 * ACME end to end against the real {@code pebble} test CA: a project's custom domain is claimed,
 * its TXT record found through a DNS server standing in for the customer's provider, pebble
 * resolves the name through the node's own DNS and fetches the HTTP-01 answer from the node's
 * gateway, and the issued certificate is then served by SNI, verified against pebble's root. Pebble
 * rejects 35% of nonces at random ({@code PEBBLE_WFE_NONCEREJECT}), so issuing also proves the
 * retry. A second name is validated with TLS-ALPN-01 (pebble connects to the node's HTTPS port
 * offering {@code acme-tls/1}). Pebble issues certificates valid for {@value #VALIDITY_SECONDS}
 * seconds, so the node's own check renews them (a third of the lifetime before the end) and the new
 * chain is served without a restart. Also: no order for an unverified name, a failing order while
 * the CA is down (the node keeps serving its self-signed certificate), an invalid challenge
 * reported with backoff. Skips when {@code pebble} is not installed ({@code apt-get install
 * pebble}).
 */
@QuarkusTest
@TestProfile(AcmeIT.Profile.class)
class AcmeIT {

  static final String DOMAIN = "shop.example.test";
  static final String UNDECLARED = "nodns.example.test";
  static final String ALPN = "alpn.example.test";
  static final int VALIDITY_SECONDS = 60;
  static final String PROJECT_ID = "QmShopProjectForAcmeTestsAbCdEfGhIj";
  static final ProjectKey KEY = new ProjectKey("shop", "main");

  /** Pebble (not started) and the stand-in DNS, made once before the node boots. */
  static final class Env {
    static final Env INSTANCE = new Env();
    final Pebble pebble;
    final Authority providerZones = new Authority();
    final List<Record> providerRecords = new java.util.ArrayList<>();
    final int providerDnsPort;
    final DnsServer dns;
    final ExecutorService dnsThreads = Executors.newCachedThreadPool();

    private Env() {
      try {
        pebble = new Pebble();
        dns =
            new DnsServer(
                providerZones, DnsServer.Settings.defaults(), dnsThreads, System::nanoTime);
        providerDnsPort = dns.start(InetAddress.getLoopbackAddress(), 0);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** ACME on, pointed at pebble's address, TXT lookups at the stand-in provider DNS. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Env e = Env.INSTANCE;
      return Map.ofEntries(
          Map.entry("jtau.data-dir", "target/acme-it-node-data"),
          Map.entry("jtau.acme.enabled", "true"),
          Map.entry("jtau.acme.directory", e.pebble.directory().toString()),
          Map.entry("jtau.acme.trusted-ca", e.pebble.wfeCert.toString()),
          Map.entry("jtau.acme.agree-terms", "true"),
          Map.entry("jtau.acme.email", "ops@example.test"),
          Map.entry("jtau.acme.check-seconds", "2"),
          Map.entry("jtau.acme.backoff-min-seconds", "600"),
          Map.entry("jtau.acme.network-timeout-seconds", "5"),
          Map.entry("jtau.acme.challenge-timeout-seconds", "60"),
          Map.entry("jtau.domains.resolver", "127.0.0.1:" + e.providerDnsPort));
    }
  }

  @Inject Node node;
  @Inject Dream dream;
  @Inject HttpPort port;
  @Inject TlsServer tls;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterAll
  static void stopPebble() throws Exception {
    Env e = Env.INSTANCE;
    e.pebble.close();
    e.dns.close();
    e.dnsThreads.shutdownNow();
    Node.wipe(e.pebble.dir);
  }

  /** Counts the client library's "Bad Replay Nonce, trying again" lines. */
  static final class NonceRetries extends java.util.logging.Handler {
    final java.util.concurrent.atomic.AtomicInteger count =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void publish(java.util.logging.LogRecord r) {
      if (String.valueOf(r.getMessage()).contains("Bad Replay Nonce")) {
        count.incrementAndGet();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void issuesForAVerifiedDomainOnlyAndServesItBySni() throws Exception {
    Assumptions.assumeTrue(Pebble.installed(), Pebble.MISSING);
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    if (node.git().find("shop", "config").isEmpty()) {
      node.git().create("shop", "config");
    }
    deploy();
    var acme = node.acme().orElseThrow();

    // 1. Unverified: refused with 409, the refusal recorded, no order sent.
    HttpResponse<String> refused = post("/api/projects/shop/domains/" + DOMAIN + "/cert");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains(DOMAIN + " is not a verified domain of project shop");
    JsonNode st = json(get("/api/projects/shop/domains/" + DOMAIN + "/cert"));
    assertThat(st.path("state").asText()).isEqualTo("not-eligible");
    assertThat(st.path("events").toString()).contains("refused");
    assertThat(acme.ordersCreated()).isZero();
    assertThat(post("/api/projects/shop/domains/no..name/cert").statusCode()).isEqualTo(400);

    // 2. Claim and verify through the customer's (stand-in) DNS; the CA is still down.
    claimAndVerify(DOMAIN);
    await().atMost(Duration.ofSeconds(60)).until(() -> acme.status(DOMAIN).failures() >= 1);
    var down = acme.status(DOMAIN);
    assertThat(down.state()).isEqualTo("failed");
    assertThat(down.lastError()).contains("ACME server https://127.0.0.1:");
    assertThat(Duration.between(down.lastAttempt(), down.nextAttempt()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(600));
    assertThat(acme.ordersCreated()).isZero();
    // The node stays up and serves the name with its self-signed certificate meanwhile.
    assertThat(tlsGet(DOMAIN, null)[0]).isEqualTo("CN=dream.localhost");

    // 3. Pebble comes up; asking again clears the backoff and the certificate is issued.
    NonceRetries retries = new NonceRetries();
    java.util.logging.Logger.getLogger("org.shredzone.acme4j.connector.DefaultConnection")
        .addHandler(retries);
    startPebble();
    long t0 = System.nanoTime();
    HttpResponse<String> asked = post("/api/projects/shop/domains/" + DOMAIN + "/cert");
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> "valid".equals(acme.status(DOMAIN).state()));
    System.out.printf(
        "ACME: certificate for %s issued by pebble in %d ms (request to valid)%n",
        DOMAIN, (System.nanoTime() - t0) / 1_000_000);
    JsonNode valid = json(get("/api/projects/shop/domains/" + DOMAIN + "/cert"));
    assertThat(valid.path("issuer").asText()).contains("Pebble");
    assertThat(Instant.parse(valid.path("notAfter").asText())).isAfter(Instant.now());
    assertThat(valid.path("challenge").asText()).isEqualTo("http-01");
    assertThat(issuedEvents(DOMAIN)).isEqualTo(1);
    assertThat(node.acmeChallenges().size()).isZero();

    // The CLI shows the same state: issuer, validity; exit 0 when valid.
    String[] cli = certCli(DOMAIN);
    assertThat(cli[0]).isEqualTo("0");
    assertThat(cli[1])
        .contains("state        valid")
        .contains("issuer       CN=Pebble")
        .contains("issued");

    // 4. The HTTPS handshake with SNI gets the issued chain, valid under pebble's root.
    String[] served = tlsGet(DOMAIN, pebbleRoot());
    assertThat(served[0]).doesNotContain("dream.localhost");
    assertThat(served[1]).isEqualTo("HTTP/1.1 200 OK");
    String firstSerial = served[2];
    // Stored sealed on disk, not in clear.
    Path keyFile = node.dataDir().resolve("acme/certs/" + DOMAIN + ".key");
    assertThat(Files.readString(keyFile)).startsWith("jtau-sealed:v1:").doesNotContain("PRIVATE");
    assertThat(Files.readString(node.dataDir().resolve("acme/account.key")))
        .startsWith("jtau-sealed:v1:");

    // Bad input: a user's wildcard is refused naming the field; dns-01 for a customer's name
    // (outside the node's DNS zone) is refused before any order, by the API and the CLI.
    HttpResponse<String> wild = post("/api/projects/shop/domains/*.example.test/cert");
    assertThat(wild.statusCode()).isEqualTo(400);
    assertThat(wild.body()).contains("fqdn: not a DNS name: *.example.test");
    HttpResponse<String> dns01 =
        post("/api/projects/shop/domains/" + DOMAIN + "/cert?challenge=dns-01");
    assertThat(dns01.statusCode()).as(dns01.body()).isEqualTo(409);
    assertThat(dns01.body()).contains("dns-01 cannot prove " + DOMAIN);
    assertThat(certCli(DOMAIN, "--challenge", "dns-01")[0]).isNotEqualTo("0");
    assertThat(events(DOMAIN))
        .filteredOn(e -> e.contains("refused: dns-01 cannot prove"))
        .hasSize(2);
    assertThat(acme.status(DOMAIN).challenge()).isEqualTo("http-01");

    // 5. TLS-ALPN-01: asked for through the CLI; pebble dials the node's HTTPS port offering
    // acme-tls/1 for the name and checks the validation certificate.
    claimAndVerify(ALPN);
    await().atMost(Duration.ofSeconds(60)).until(() -> acme.status(ALPN).state().equals("valid"));
    // Issued by the node's own preference (http-01 first) as soon as the name verified; now the
    // operator asks for a new one over tls-alpn-01 only.
    String[] alpnCli = certCli(ALPN, "--challenge", "tls-alpn-01", "--renew");
    // The answer is built right after the ACME thread is woken: it may already be issuing.
    assertThat(alpnCli[1]).containsPattern("state +(renewal-due|issuing)");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "tls-alpn-01".equals(acme.status(ALPN).challenge())
                    && "valid".equals(acme.status(ALPN).state()));
    assertThat(events(ALPN)).anyMatch(e -> e.contains("renewed") && e.contains("(tls-alpn-01)"));
    String[] alpnServed = tlsGet(ALPN, pebbleRoot());
    assertThat(alpnServed[1]).isEqualTo("HTTP/1.1 200 OK");
    assertThat(node.acmeChallenges().tlsAlpnPending()).isFalse();
    assertThat(certCli(ALPN, "--challenge", "dns-99")[0]).isNotEqualTo("0");

    // 6. A verified name pebble cannot reach (no A record: the project does not declare it, so
    // the node's DNS does not answer for it) fails its challenge; reported, backed off.
    claimAndVerify(UNDECLARED);
    assertThat(post("/api/projects/shop/domains/" + UNDECLARED + "/cert").statusCode())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(120)).until(() -> acme.status(UNDECLARED).failures() >= 1);
    JsonNode bad = json(get("/api/projects/shop/domains/" + UNDECLARED + "/cert"));
    assertThat(bad.path("state").asText()).isEqualTo("failed");
    assertThat(bad.path("lastError").asText()).contains(UNDECLARED);
    assertThat(bad.path("events").toString()).contains("failed");
    String[] badCli = certCli(UNDECLARED);
    assertThat(badCli[0]).isEqualTo("1");
    assertThat(badCli[1]).contains("state        failed").contains("last error");
    // The issued certificate is untouched by the other name's failure.
    assertThat(acme.status(DOMAIN).state()).isIn("valid", "renewal-due", "issuing");

    // The operator's view across projects and node names: every name with its state; exit 1
    // while one is failing. A name nobody verified is refused there too.
    String[] list =
        tau("cert", "list", "--node", "http://127.0.0.1:" + port.get(), "--token", operatorToken());
    assertThat(list[0]).isEqualTo("1");
    assertThat(list[1]).contains(DOMAIN).contains(ALPN).contains(UNDECLARED).contains("failed");
    JsonNode all = new ObjectMapper().readTree(get("/api/acme/certs").body());
    assertThat(all.findValuesAsText("fqdn")).contains(DOMAIN, ALPN, UNDECLARED);
    String[] foreign =
        tau(
            "cert",
            "request",
            "nobody.example.test",
            "--node",
            "http://127.0.0.1:" + port.get(),
            "--token",
            operatorToken());
    assertThat(foreign[0]).isNotEqualTo("0");
    assertThat(acme.status("nobody.example.test").state()).isEqualTo("not-eligible");
    assertThat(events("nobody.example.test")).anyMatch(e -> e.contains("refused"));

    // 7. Renewal: a third of the lifetime before the end, the node's periodic check orders a new
    // certificate (same account) and the HTTPS server serves it at once.
    await()
        .atMost(Duration.ofSeconds(VALIDITY_SECONDS + 60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !tlsGet(DOMAIN, pebbleRoot())[2].equals(firstSerial));
    assertThat(events(DOMAIN)).anyMatch(e -> e.contains("renewed"));
    String[] renewed = tlsGet(DOMAIN, pebbleRoot());
    assertThat(renewed[1]).isEqualTo("HTTP/1.1 200 OK");
    JsonNode state =
        new ObjectMapper().readTree(node.dataDir().resolve("acme/state.json").toFile());
    assertThat(state.path("account").asText()).startsWith("https://127.0.0.1:");
    assertThat(state.path("attempts").has(UNDECLARED)).isTrue();
    System.out.printf(
        "ACME: %s renewed by the node's own check (serial %s -> %s)%n",
        DOMAIN, firstSerial, renewed[2]);
    // Pebble rejected some nonces (35% of them, at random) and the client signed again. Counted
    // over every order of the test (about fifty signed requests): one order alone can see none.
    System.out.printf("ACME: %d bad nonces retried%n", retries.count.get());
    assertThat(retries.count.get()).isPositive();
  }

  /** {@code tau domain cert NAME -p shop ARGS} against this node; returns (exit code, stdout). */
  String[] certCli(String name, String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("domain", "cert", name, "-p", "shop"));
    all.addAll(List.of(args));
    all.addAll(List.of("--node", "http://127.0.0.1:" + port.get(), "--token", operatorToken()));
    return tau(all.toArray(String[]::new));
  }

  /** Claims a name for project shop, publishes its TXT record at the provider, verifies it. */
  void claimAndVerify(String name) throws Exception {
    JsonNode claim = json(post("/api/projects/shop/domains/" + name + "/claim"));
    publishTxt("_jtau." + name, claim.path("token").asText());
    JsonNode verified = json(post("/api/projects/shop/domains/" + name + "/verify"));
    assertThat(verified.path("verified").asBoolean()).as(verified.toString()).isTrue();
  }

  long issuedEvents(String name) {
    return events(name).stream().filter(e -> e.contains(" issued: ")).count();
  }

  List<String> events(String name) {
    return node.acme().orElseThrow().events().stream()
        .filter(e -> e.name().equals(name))
        .map(e -> e.at() + " " + e.kind() + ": " + e.message())
        .toList();
  }

  void deploy() throws Exception {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("index.html"));
      z.write("<html>shop</html>".getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    var bundle = node.store().put(zip.toByteArray());
    Resource.Domain custom =
        new Resource.Domain(Identity.of("QmDomShop", "shop"), null, DOMAIN, "auto", null, null);
    Resource.Domain alpn =
        new Resource.Domain(Identity.of("QmDomAlpn", "alpn"), null, ALPN, "auto", null, null);
    Resource.Website site =
        new Resource.Website(
            Identity.of("QmShopSite", "site"),
            null,
            List.of("QmDomShop", "QmDomAlpn"),
            List.of("/"),
            "main",
            "github",
            "1",
            "acme/shop");
    ProjectConfig config =
        new ProjectConfig(
            PROJECT_ID, "shop", "", "", "", "", null, List.of(), List.of(custom, alpn, site));
    Snapshot s =
        new Snapshot(
            KEY,
            "rev-" + bundle,
            "c" + bundle,
            "",
            0,
            config,
            Map.of(Snapshot.assetKey(site), bundle.value()),
            Map.of(),
            List.of());
    node.registry().publish(s);
    WebsiteApplier w = new WebsiteApplier(node.gateway(), node.bundles());
    w.prepare(KEY, s);
    w.apply(KEY, s);
  }

  /** The customer's DNS: one zone {@code example.test} holding the TXT records published. */
  void publishTxt(String name, String value) throws Exception {
    Name origin = Name.fromString("example.test.");
    Name ns = Name.fromString("ns.example.test.");
    List<Record> records = Env.INSTANCE.providerRecords;
    synchronized (records) {
      if (records.isEmpty()) {
        records.add(new NSRecord(origin, DClass.IN, 60, ns));
      }
      records.add(new TXTRecord(Name.fromString(name + "."), DClass.IN, 60, value));
      SOARecord soa =
          new SOARecord(
              origin, DClass.IN, 60, ns, Name.fromString("h.example.test."), 1, 60, 60, 60, 60);
      Env.INSTANCE.providerZones.zones(List.of(new Zone(soa, List.copyOf(records))));
    }
  }

  void startPebble() throws Exception {
    Env.INSTANCE.pebble.start(
        Map.of(
            "httpPort",
            port.get(),
            "tlsPort",
            tls.port(),
            "certificateValidityPeriod",
            VALIDITY_SECONDS),
        // Every order validates afresh (pebble would otherwise reuse valid authorizations at
        // random); 35% of nonces are rejected, so issuing also proves the client signs again.
        Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_AUTHZREUSE", "0", "PEBBLE_WFE_NONCEREJECT", "35"),
        "127.0.0.1:" + node.dnsPort());
  }

  List<X509Certificate> pebbleRoot() throws Exception {
    return Env.INSTANCE.pebble.roots();
  }

  /**
   * TLS with SNI; anchors = trust only these and check the host name (null = trust anything).
   * Returns (subject, status line, serial number).
   */
  String[] tlsGet(String sniName, List<X509Certificate> anchors) throws Exception {
    TlsProbe.Served s = TlsProbe.get(tls.port(), sniName, anchors);
    return new String[] {s.subject(), s.status(), s.serial()};
  }

  /** Runs the CLI in-process; returns (exit code, stdout). */
  static String[] tau(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      int code = io.jtau.app.cli.TauCommand.commandLine().execute(args);
      return new String[] {String.valueOf(code), bytes.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(old);
    }
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

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path))
            .header("Authorization", "Bearer " + operatorToken())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }
}
