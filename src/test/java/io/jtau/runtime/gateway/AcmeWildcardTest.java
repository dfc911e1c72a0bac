package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DNS-01 and the node's own wildcard in the certificate manager, without a CA: which challenge
 * types an order offers (DNS-01 only inside the node's zone, alone for a wildcard), an operator's
 * DNS-01 request for a customer's name refused before any order, the wildcard's file name, a stored
 * wildcard served by SNI for every generated host, and users' wildcards refused.
 */
class AcmeWildcardTest {

  static final String FQDN = "cloud.example";
  static final String WILDCARD = "*.g." + FQDN;

  @TempDir Path dir;

  static boolean inZone(String name) {
    String n = name.startsWith("*.") ? name.substring(2) : name;
    return n.equals(FQDN) || n.endsWith("." + FQDN);
  }

  static AcmeCertificates.Settings settings(List<String> challenges) {
    return AcmeCertificatesTest.settings(URI.create("https://127.0.0.1:1/dir"), challenges);
  }

  AcmeCertificates manager(List<String> challenges, SniKeyManager sni, Set<String> wanted)
      throws Exception {
    Set<String> eligible = new java.util.HashSet<>(wanted);
    return new AcmeCertificates(
        dir,
        settings(challenges),
        new AcmeCertificatesTest.TestClock(),
        AcmeCertificatesTest.SEALER,
        new AcmeChallenges(),
        sni,
        () -> wanted,
        eligible::contains,
        new AcmeCertificates.Scope(AcmeWildcardTest::inZone, Set.of(WILDCARD)));
  }

  @ParameterizedTest(name = "{0}: {1} requested={2} failed={3} → {5}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // name | configured | requested | failed last | in zone | types | skipped
        "api.tau.cloud.example|http-01,dns-01|-|-|true|http-01,dns-01|-",
        "api.tau.cloud.example|http-01,dns-01|-|http-01|true|dns-01,http-01|-",
        "api.tau.cloud.example|http-01|dns-01|-|true|dns-01|-",
        "shop.example.test|http-01,dns-01|-|-|false|http-01|dns-01 skipped for shop.example.test",
        "shop.example.test|dns-01,tls-alpn-01|-|-|false|tls-alpn-01|dns-01 skipped",
        "shop.example.test|dns-01|-|-|false|-|no other challenge type is configured",
        "shop.example.test|http-01,tls-alpn-01|-|-|false|http-01,tls-alpn-01|-",
        "*.g.cloud.example|http-01|-|-|true|dns-01|-",
        "*.g.cloud.example|http-01,tls-alpn-01|-|dns-01|true|dns-01|-",
        "*.example.test|dns-01|-|-|false|-|a wildcard needs dns-01"
      })
  void challengeTypesOfAnOrder(
      String name,
      String configured,
      String requested,
      String failedLast,
      boolean inZone,
      String types,
      String skipped) {
    AcmeCertificates.Plan p =
        AcmeCertificates.plan(
            name,
            List.of(configured.split(",")),
            Optional.ofNullable(requested),
            failedLast,
            inZone);
    assertThat(p.types()).isEqualTo(types == null ? List.of() : List.of(types.split(",")));
    if (skipped == null) {
      assertThat(p.skipped()).isNull();
    } else {
      assertThat(p.skipped()).contains(skipped);
    }
  }

  @ParameterizedTest(name = "{0} with {1} (in zone: {2})")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "shop.example.test|dns-01|false|the node's DNS is not authoritative for it",
        "shop.example.test|http-01|false|-",
        "api.tau.cloud.example|dns-01|true|-",
        "*.g.cloud.example|dns-01|true|-",
        "*.g.cloud.example|http-01|true|can only be proven with dns-01"
      })
  void operatorRequests(String name, String challenge, boolean inZone, String refusal) {
    String why = AcmeCertificates.refusal(name, challenge, inZone);
    if (refusal == null) {
      assertThat(why).isNull();
    } else {
      assertThat(why).contains(refusal).contains(name.replace("*", ""));
    }
  }

  @ParameterizedTest(name = "{0} ↔ {1}")
  @CsvSource({
    "*.g.cloud.example, _wildcard.g.cloud.example",
    "shop.example.test, shop.example.test",
    "cloud.example, cloud.example"
  })
  void wildcardsAreStoredWithoutAStar(String name, String file) {
    assertThat(AcmeCertificates.fileName(name)).isEqualTo(file).doesNotContain("*");
    assertThat(AcmeCertificates.nameOfFile(file)).isEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource({"*.g.cloud.example", "*.example.com", "*", "*.", "a.*.example.com"})
  void usersNeverGetAWildcard(String name) {
    assertThatThrownBy(() -> AcmeCertificates.normalize(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a DNS name: " + name);
  }

  @Test
  void dns01ForACustomersNameIsRefusedWithoutAnOrder() throws Exception {
    AcmeCertificates acme =
        manager(List.of("http-01", "dns-01"), new SniKeyManager(), Set.of("shop.example.test"));
    assertThatThrownBy(() -> acme.request("shop.example.test", Optional.of("dns-01"), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dns-01 cannot prove shop.example.test");
    assertThat(acme.events()).extracting(AcmeCertificates.Event::kind).containsExactly("refused");
    assertThat(acme.ordersCreated()).isZero();
    assertThat(acme.dns01Possible("shop.example.test")).isFalse();
    assertThat(acme.dns01Possible(WILDCARD)).isTrue();
    // Another wildcard is no name at all for this manager.
    assertThatThrownBy(() -> acme.status("*.example.com"))
        .hasMessageStartingWith("not a DNS name: *.example.com");
  }

  @Test
  void onlyDns01ConfiguredFailsACustomersNameWithTheReasonAndNoOrder() throws Exception {
    AcmeCertificates acme =
        manager(List.of("dns-01"), new SniKeyManager(), Set.of("shop.example.test"));
    acme.runDue();
    AcmeCertificates.CertStatus s = acme.status("shop.example.test");
    assertThat(s.state()).isEqualTo("failed");
    assertThat(s.lastError()).contains("dns-01 skipped for shop.example.test");
    assertThat(acme.ordersCreated()).isZero();
    assertThat(Files.exists(dir.resolve("account.key"))).isFalse();
  }

  @Test
  void dns01InThePreferenceIsSkippedForACustomersNameWithAnEvent() throws Exception {
    AcmeCertificates acme =
        manager(List.of("dns-01", "http-01"), new SniKeyManager(), Set.of("shop.example.test"));
    acme.runDue();
    // The order went on with http-01 (and failed here only because no CA listens on port 1).
    assertThat(acme.events())
        .filteredOn(e -> e.kind().equals("skipped"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("dns-01 skipped for shop.example.test"));
    assertThat(acme.status("shop.example.test").lastError()).contains("ACME server");
    acme.request("shop.example.test");
    acme.runDue();
    assertThat(acme.events()).filteredOn(e -> e.kind().equals("skipped")).hasSize(1);
  }

  @Test
  void aStoredWildcardIsServedForEveryGeneratedHost() throws Exception {
    SniKeyManager.KeyAndChain kc =
        SelfSigned.loadOrCreate(
            dir.resolve("made"), List.of(WILDCARD), List.of(), new SecureRandom());
    Path certs = Files.createDirectories(dir.resolve("acme/certs"));
    Files.writeString(
        certs.resolve("_wildcard.g." + FQDN + ".pem"),
        Pem.encode("CERTIFICATE", kc.chain()[0].getEncoded()));
    Files.writeString(
        certs.resolve("_wildcard.g." + FQDN + ".key"),
        AcmeCertificatesTest.SEALER.seal(
            Pem.encode("PRIVATE KEY", kc.key().getEncoded()), "acme/cert/" + WILDCARD));
    SniKeyManager sni = new SniKeyManager();
    SniKeyManager.KeyAndChain fallback =
        SelfSigned.loadOrCreate(
            dir.resolve("node"), List.of("node." + FQDN), List.of(), new SecureRandom());
    sni.setDefault(fallback);
    Path acmeDir = dir.resolve("acme");
    AcmeCertificates acme =
        new AcmeCertificates(
            acmeDir,
            settings(List.of("http-01")),
            new AcmeCertificatesTest.TestClock(),
            AcmeCertificatesTest.SEALER,
            new AcmeChallenges(),
            sni,
            () -> Set.of(WILDCARD),
            WILDCARD::equals,
            new AcmeCertificates.Scope(AcmeWildcardTest::inZone, Set.of(WILDCARD)));
    assertThat(acme.certificate(WILDCARD)).isPresent();
    assertThat(acme.statuses())
        .extracting(AcmeCertificates.CertStatus::name)
        .containsExactly(WILDCARD);
    assertThat(sni.names()).containsExactly(WILDCARD);
    assertThat(Arrays.asList(sni.select("hello-r4zkwruy.g." + FQDN).chain()))
        .containsExactly(kc.chain()[0]);
    // One label only: a deeper name and the node's other names keep the node's certificate.
    assertThat(sni.select("a.b.g." + FQDN)).isSameAs(fallback);
    assertThat(sni.select("api.tau." + FQDN)).isSameAs(fallback);
  }
}
