package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.runtime.dns.Authority;
import io.jtau.runtime.gateway.AcmeChallenges;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DNS-01 through the node's real DNS: the challenge answers published in {@link AcmeChallenges} are
 * served by {@link DnsService} on loopback (asked with dnsjava over UDP) from the moment they are
 * put until they are withdrawn, with a short TTL, only for names in the cloud zone; a negative
 * answer for an {@code _acme-challenge} name is cacheable for seconds, not the zone's minute. Also
 * the pure rules of the node's own zone and wildcard.
 */
class AcmeDns01ZoneTest {

  static final String FQDN = "cloud.example";

  ExecutorService pool;
  DnsService dns;
  AcmeChallenges challenges;
  SimpleResolver resolver;

  static NodeConfig config(Map<String, String> props) {
    SmallRyeConfigBuilder b = new SmallRyeConfigBuilder().withMapping(NodeConfig.class);
    b.withDefaultValues(props);
    SmallRyeConfig c = b.build();
    return c.getConfigMapping(NodeConfig.class);
  }

  @BeforeEach
  void start() throws Exception {
    NodeConfig config =
        config(
            Map.of(
                "jtau.fqdn", FQDN,
                "jtau.dns.port", "0",
                "jtau.dns.bind", "127.0.0.1",
                "jtau.dns.addresses", "127.0.0.1"));
    challenges = new AcmeChallenges();
    dns =
        new DnsService(
            config, () -> Set.of("hello.g." + FQDN), challenges::dns01Records, Clock.systemUTC());
    challenges.onDns01Change(dns::rebuild);
    pool = Executors.newCachedThreadPool();
    int port = dns.start(pool);
    resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    resolver.setTimeout(Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    dns.close();
    pool.shutdownNow();
  }

  Message ask(String name, int type) throws Exception {
    return resolver.send(
        Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
  }

  static List<String> txt(Message m) {
    return m.getSection(Section.ANSWER).stream()
        .filter(r -> r instanceof TXTRecord)
        .flatMap(r -> ((TXTRecord) r).getStrings().stream())
        .sorted()
        .toList();
  }

  static SOARecord negativeSoa(Message m) {
    return (SOARecord) m.getSection(Section.AUTHORITY).get(0);
  }

  @Test
  void aPublishedAnswerIsServedUntilWithdrawn() throws Exception {
    String rr = "_acme-challenge.g." + FQDN;

    // Before: NXDOMAIN, negatively cacheable for 5 s only (not the zone's 60 s).
    Message before = ask(rr, Type.TXT);
    assertThat(before.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(negativeSoa(before).getMinimum()).isEqualTo(Authority.ACME_NEGATIVE_TTL);
    assertThat(negativeSoa(before).getTTL()).isLessThanOrEqualTo(Authority.ACME_NEGATIVE_TTL);

    // Published (acme4j's RR names end in a dot): answered at once, authoritatively, TTL 5 s.
    challenges.putDns01(rr + ".", "digest-one");
    Message during = ask(rr, Type.TXT);
    assertThat(during.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(during.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(txt(during)).containsExactly("digest-one");
    assertThat(during.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(5);

    // A second digest at the same name (a name and its wildcard in one order): both answered.
    challenges.putDns01(rr, "digest-two");
    assertThat(txt(ask(rr, Type.TXT))).containsExactly("digest-one", "digest-two");
    assertThat(challenges.size()).isEqualTo(2);

    // Withdrawn one by one; gone from the zone when the order ends.
    challenges.removeDns01(rr + ".", "digest-one");
    assertThat(txt(ask(rr, Type.TXT))).containsExactly("digest-two");
    challenges.removeDns01(rr, "digest-two");
    challenges.removeDns01(rr, "digest-two");
    assertThat(ask(rr, Type.TXT).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(challenges.size()).isZero();

    // The generated host still resolves; an ordinary missing name keeps the zone's minimum.
    assertThat(ask("hello.g." + FQDN, Type.A).getSection(Section.ANSWER)).hasSize(1);
    Message other = ask("nothing." + FQDN, Type.TXT);
    assertThat(other.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(negativeSoa(other).getMinimum()).isEqualTo(60);
  }

  @Test
  void anAnswerForANameOutsideTheZoneIsNeverServed() throws Exception {
    challenges.putDns01("_acme-challenge.shop.example.test.", "digest");
    assertThat(ask("_acme-challenge.shop.example.test", Type.TXT).getRcode())
        .isEqualTo(Rcode.REFUSED);
    // An existing name under _acme-challenge without TXT is NODATA with the short negative TTL.
    challenges.putDns01("_acme-challenge.api.tau." + FQDN, "d");
    Message nodata = ask("_acme-challenge.api.tau." + FQDN, Type.A);
    assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
    assertThat(negativeSoa(nodata).getMinimum()).isEqualTo(Authority.ACME_NEGATIVE_TTL);
  }

  @ParameterizedTest(name = "{0} in the zone of cloud.example: {1}")
  @CsvSource({
    "cloud.example, true",
    "Cloud.Example, true",
    "api.tau.cloud.example, true",
    "*.g.cloud.example, true",
    "hello.g.cloud.example, true",
    "shop.example.test, false",
    "notcloud.example, false",
    "cloud.example.evil.test, false",
    "*.example.test, false"
  })
  void theNodesOwnZone(String name, boolean inZone) {
    assertThat(AcmeService.inZone(FQDN, name)).isEqualTo(inZone);
  }

  @Test
  void theGeneratedWildcard() {
    assertThat(AcmeService.generatedWildcard("Cloud.Example")).isEqualTo("*.g.cloud.example");
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dns-01|dns-01",
        "http-01,dns-01|http-01,dns-01",
        "DNS-01, tls-alpn-01|dns-01,tls-alpn-01"
      })
  void dns01IsAValidChallengeSetting(String given, String expected) {
    assertThat(AcmeService.challenges(Optional.of(List.of(given.split(","))), true))
        .containsExactly(expected.split(","));
  }

  @Test
  void dns01GivenTwiceIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> AcmeService.challenges(Optional.of(List.of("dns-01", "dns-01")), true))
        .hasMessage("jtau.acme.challenges: dns-01 is given twice");
    assertThatThrownBy(() -> AcmeService.challenges(Optional.of(List.of("dns-02")), true))
        .hasMessageStartingWith("jtau.acme.challenges: unknown challenge type dns-02")
        .hasMessageContaining("dns-01");
  }

  @Test
  void aWildcardNodeNameIsRefused() {
    assertThatThrownBy(() -> AcmeService.nodeNames(FQDN, List.of(), List.of("*.g." + FQDN)))
        .hasMessageStartingWith("jtau.acme.node-names: not a DNS name: *.g.cloud.example")
        .hasMessageContaining("jtau.acme.wildcard-generated");
  }
}
