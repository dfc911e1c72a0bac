package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jtau.Pebble;
import io.jtau.TlsProbe;
import io.jtau.TlsProbe.Served;
import io.jtau.dream.Dream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DNS-01 end to end against the real {@code pebble} test CA: with {@code
 * jtau.acme.wildcard-generated} the node wants one certificate for {@code *.g.<fqdn>} (pebble
 * offers only dns-01 for a wildcard) and, with {@code dns-01} first in {@code
 * jtau.acme.challenges}, one for a node name under {@code tau.<fqdn>}. Pebble resolves {@code
 * _acme-challenge.<name>} TXT through the node's own DNS ({@code -dnsserver}); the node publishes
 * the digest there while the order validates and withdraws it after. While the CA is still down the
 * generated hosts keep the node's self-signed certificate; once issued, an HTTPS handshake with SNI
 * {@code <something>.g.<fqdn>} gets the wildcard chain, verified against pebble's root with host
 * name checking. Skips when {@code pebble} is not installed ({@code apt-get install pebble}).
 */
@QuarkusTest
@TestProfile(AcmeDns01IT.Profile.class)
class AcmeDns01IT {

  static final String NODE_NAME = "api.tau.dream.localhost";
  static final String WILDCARD = "*.g.dream.localhost";

  /** Pebble (not started), made once before the node boots so the node can trust it. */
  static final class Env {
    static final Env INSTANCE = new Env();
    final Pebble pebble;

    private Env() {
      try {
        pebble = new Pebble();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** ACME on with dns-01 first, the generated wildcard wanted, quick retries. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Env e = Env.INSTANCE;
      return Map.ofEntries(
          Map.entry("jtau.data-dir", "target/acme-dns01-it-node-data"),
          Map.entry("jtau.acme.enabled", "true"),
          Map.entry("jtau.acme.directory", e.pebble.directory().toString()),
          Map.entry("jtau.acme.trusted-ca", e.pebble.wfeCert.toString()),
          Map.entry("jtau.acme.agree-terms", "true"),
          Map.entry("jtau.acme.check-seconds", "1"),
          Map.entry("jtau.acme.backoff-min-seconds", "1"),
          Map.entry("jtau.acme.backoff-max-seconds", "2"),
          Map.entry("jtau.acme.network-timeout-seconds", "5"),
          Map.entry("jtau.acme.challenge-timeout-seconds", "60"),
          Map.entry("jtau.acme.challenges", "dns-01,http-01"),
          Map.entry("jtau.acme.node-names", NODE_NAME),
          Map.entry("jtau.acme.wildcard-generated", "true"));
    }
  }

  @Inject Node node;
  @Inject Dream dream;
  @Inject HttpPort port;
  @Inject TlsServer tls;

  @AfterAll
  static void stopPebble() throws Exception {
    Env e = Env.INSTANCE;
    e.pebble.close();
    Node.wipe(e.pebble.dir);
  }

  @Test
  void issuesTheGeneratedWildcardAndANodeNameOverDns01() throws Exception {
    Assumptions.assumeTrue(Pebble.installed(), Pebble.MISSING);
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    var acme = node.acme().orElseThrow();
    String fqdn = node.config().fqdn();
    assertThat(WILDCARD).isEqualTo("*." + node.generatedSuffix());
    String generated =
        node.gateway().hosts().stream()
            .filter(h -> h.endsWith("." + node.generatedSuffix()))
            .sorted()
            .findFirst()
            .orElse("anything." + node.generatedSuffix());

    // 1. The CA is down: the wildcard fails and backs off; the generated hosts keep the node's
    // self-signed certificate (no handshake failure meanwhile).
    await().atMost(Duration.ofSeconds(60)).until(() -> acme.status(WILDCARD).failures() >= 1);
    assertThat(acme.status(WILDCARD).lastError()).contains("ACME server https://127.0.0.1:");
    assertThat(handshake(generated, null).subject()).isEqualTo("CN=" + fqdn);

    // 2. Pebble comes up, resolving through the node's DNS. Each publication is checked at the
    // moment it happens: the node's DNS already answers the digest (TTL 5 s) before the CA is
    // told to look.
    Map<String, String> seen = new ConcurrentHashMap<>();
    List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    node.acmeChallenges()
        .onDns01Change(
            () -> {
              node.dns().rebuild();
              node.acmeChallenges()
                  .dns01Records()
                  .forEach(
                      (rr, digests) -> {
                        try {
                          List<String> served = new java.util.ArrayList<>();
                          for (Record r : txt(rr).getSection(Section.ANSWER)) {
                            TXTRecord t = (TXTRecord) r;
                            served.addAll(t.getStrings());
                            seen.put(rr, "ttl " + t.getTTL());
                          }
                          if (!served.containsAll(digests)) {
                            problems.add(rr + " served " + served + ", published " + digests);
                          }
                        } catch (Exception e) {
                          problems.add(rr + ": " + e);
                        }
                      });
            });
    startPebble();
    long t0 = System.nanoTime();
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  "valid".equals(acme.status(WILDCARD).state())
                      && "valid".equals(acme.status(NODE_NAME).state()));
    } finally {
      node.acmeChallenges().onDns01Change(node.dns()::rebuild);
    }
    System.out.printf(
        "ACME dns-01: %s and %s issued by pebble in %d ms after it came up%n",
        WILDCARD, NODE_NAME, (System.nanoTime() - t0) / 1_000_000);
    assertThat(acme.status(WILDCARD).challenge()).isEqualTo("dns-01");
    assertThat(acme.status(NODE_NAME).challenge()).isEqualTo("dns-01");
    assertThat(acme.status(WILDCARD).issuer()).contains("Pebble");
    System.out.printf("ACME dns-01: TXT answers seen while validating: %s%n", seen);
    assertThat(problems).isEmpty();
    assertThat(seen)
        .containsEntry("_acme-challenge.g." + fqdn, "ttl 5")
        .containsEntry("_acme-challenge." + NODE_NAME, "ttl 5");

    // 3. Withdrawn: nothing published, the zone answers NXDOMAIN for the challenge names again.
    assertThat(node.acmeChallenges().dns01Records()).isEmpty();
    assertThat(node.acmeChallenges().size()).isZero();
    assertThat(txt("_acme-challenge.g." + fqdn).getRcode()).isEqualTo(org.xbill.DNS.Rcode.NXDOMAIN);

    // The operator's view lists the wildcard (exit 0: every name valid); the operator may ask
    // for it again (here a forced renewal, dns-01 again); a project's API refuses it like any
    // wildcard, naming the field.
    String nodeUrl = "http://127.0.0.1:" + port.get();
    String token = Files.readString(node.operatorTokenFile()).strip();
    String[] list = AcmeIT.tau("cert", "list", "--node", nodeUrl, "--token", token);
    assertThat(list[0]).as(list[1]).isEqualTo("0");
    assertThat(list[1].lines().filter(l -> l.startsWith(WILDCARD)))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("valid").contains("dns-01"));
    String firstSerial = handshake(generated, pebbleRoot()).serial();
    String[] renew =
        AcmeIT.tau("cert", "request", WILDCARD, "--renew", "--node", nodeUrl, "--token", token);
    assertThat(renew[1]).contains(WILDCARD);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !handshake(generated, pebbleRoot()).serial().equals(firstSerial));
    assertThat(acme.events())
        .anyMatch(
            e ->
                e.name().equals(WILDCARD)
                    && e.kind().equals("renewed")
                    && e.message().contains("(dns-01)"));
    HttpResponse<String> ask =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(nodeUrl + "/api/projects/hello/domains/" + WILDCARD + "/cert"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(ask.statusCode()).isEqualTo(400);
    assertThat(ask.body()).contains("fqdn: not a DNS name: " + WILDCARD);
    HttpResponse<String> other =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(nodeUrl + "/api/acme/certs/*.example.test"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).contains("fqdn: not a DNS name: *.example.test");

    // 4. Stored without a star, sealed.
    Path file = node.dataDir().resolve("acme/certs/_wildcard.g." + fqdn + ".pem");
    assertThat(file).exists();
    assertThat(Files.readString(file.resolveSibling("_wildcard.g." + fqdn + ".key")))
        .startsWith("jtau-sealed:v1:");

    // 5. Any generated host gets the wildcard chain by SNI, valid under pebble's root, host name
    // checked; a routed one answers through the gateway as before.
    List<X509Certificate> root = pebbleRoot();
    Served w = handshake(generated, root);
    assertThat(w.sans()).contains(WILDCARD);
    assertThat(handshake("no-such-label." + node.generatedSuffix(), root).sans())
        .contains(WILDCARD);
    if (node.gateway().hosts().contains(generated)) {
      assertThat(w.status()).isEqualTo("HTTP/1.1 200 OK");
    }
    Served n = handshake(NODE_NAME, root);
    assertThat(n.sans()).contains(NODE_NAME);
    System.out.printf("ACME dns-01: %s served %s (serial %s)%n", generated, w.sans(), w.serial());
  }

  Message txt(String name) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", node.dnsPort()));
    r.setTimeout(Duration.ofSeconds(2));
    return r.send(
        Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TXT, DClass.IN)));
  }

  void startPebble() throws Exception {
    Env.INSTANCE.pebble.start(
        Map.of("httpPort", port.get(), "tlsPort", tls.port()),
        // Every order validates afresh (pebble would otherwise reuse valid authorizations).
        Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_AUTHZREUSE", "0"),
        "127.0.0.1:" + node.dnsPort());
  }

  List<X509Certificate> pebbleRoot() throws Exception {
    return Env.INSTANCE.pebble.roots();
  }

  /** What a handshake showed: leaf subject, its DNS names, the HTTP status line, the serial. */
  /** TLS with SNI; anchors = trust only these and check the host name (null = trust anything). */
  Served handshake(String sniName, List<X509Certificate> anchors) throws Exception {
    return TlsProbe.get(tls.port(), sniName, anchors);
  }
}
