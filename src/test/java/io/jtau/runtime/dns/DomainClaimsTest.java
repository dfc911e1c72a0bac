package io.jtau.runtime.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims verified against a real DNS server on loopback that serves the customer's TXT zone. */
class DomainClaimsTest {

  @TempDir Path tmp;
  final Map<String, List<String>> txt = new HashMap<>();
  Authority customerDns;
  DnsServer server;
  ExecutorService pool;
  DomainClaims claims;
  MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  /** A clock moved by hand. */
  static final class MutableClock extends java.time.Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    customerDns = new Authority();
    publish();
    pool = Executors.newCachedThreadPool();
    server = new DnsServer(customerDns, DnsServer.Settings.defaults(), pool, System::nanoTime);
    int port = server.start(InetAddress.getLoopbackAddress(), 0);
    claims = open();
  }

  DomainClaims open() {
    return new DomainClaims(
        tmp.resolve("claims"),
        clock,
        new Random(42),
        new DnsTxtResolver(new InetSocketAddress("127.0.0.1", server.port())),
        new DomainClaims.Settings(Duration.ofHours(24), Duration.ofDays(7)));
  }

  /** The customer's own zone (customer.test) with the TXT records set by the test. */
  void publish() {
    customerDns.zones(
        CloudZones.build(
            new CloudZones.View(
                "customer.test",
                List.of(InetAddress.getLoopbackAddress()),
                List.of(),
                List.of(),
                Map.copyOf(txt),
                "",
                60,
                30,
                1,
                60)));
  }

  @AfterEach
  void tearDown() {
    claims.close();
    server.close();
    pool.shutdownNow();
  }

  @Test
  void aClaimVerifiesOnlyWithTheExactTokenAtTheTxtName() {
    DomainClaims.Claim c = claims.claim("shop", "WWW.Customer.Test.");
    assertThat(c.fqdn()).isEqualTo("www.customer.test");
    assertThat(c.token()).startsWith("jtau-verify=").hasSize(12 + 40);
    assertThat(claims.claim("shop", "www.customer.test")).isEqualTo(c);
    assertThat(c.txtNames("QmSbNd3eWBmw"))
        .containsExactly("_jtau.www.customer.test", "QmSbNd3e.www.customer.test");

    DomainClaims.Verification none = claims.verify("shop", "www.customer.test", null);
    assertThat(none.verified()).isFalse();
    assertThat(none.message()).contains("_jtau.www.customer.test has no TXT record");

    txt.put("_jtau.www.customer.test", List.of("jtau-verify=wrong"));
    publish();
    DomainClaims.Verification wrong = claims.verify("shop", "www.customer.test", null);
    assertThat(wrong.verified()).isFalse();
    assertThat(wrong.message()).contains("holds another value");
    assertThat(claims.isVerified("shop", "www.customer.test")).isFalse();

    txt.put("_jtau.www.customer.test", List.of("unrelated", c.token()));
    publish();
    assertThat(claims.verify("shop", "www.customer.test", null).verified()).isTrue();
    assertThat(claims.isVerified("shop", "www.customer.test")).isTrue();
  }

  @Test
  void tausTxtNameWithTheProjectIdPrefixAlsoVerifies() {
    DomainClaims.Claim c = claims.claim("shop", "www.customer.test");
    txt.put("QmSbNd3e.www.customer.test", List.of(c.token()));
    publish();
    assertThat(claims.verify("shop", "www.customer.test", "QmSbNd3eWBmwTiYX").verified()).isTrue();
  }

  @Test
  void claimsSurviveARestart() {
    DomainClaims.Claim c = claims.claim("shop", "www.customer.test");
    txt.put("_jtau.www.customer.test", List.of(c.token()));
    publish();
    claims.verify("shop", "www.customer.test", null);
    claims.close();
    claims = open();
    assertThat(claims.get("shop", "www.customer.test"))
        .get()
        .extracting(DomainClaims.Claim::token)
        .isEqualTo(c.token());
    assertThat(claims.isVerified("shop", "www.customer.test")).isTrue();
  }

  @Test
  void anotherProjectCannotTakeAVerifiedNameWithItsOwnClaim() {
    DomainClaims.Claim mine = claims.claim("shop", "www.customer.test");
    DomainClaims.Claim theirs = claims.claim("evil", "www.customer.test");
    assertThat(theirs.token()).isNotEqualTo(mine.token());
    txt.put("_jtau.www.customer.test", List.of(mine.token()));
    publish();
    assertThat(claims.verify("evil", "www.customer.test", null).verified()).isFalse();
    assertThat(claims.verify("shop", "www.customer.test", null).verified()).isTrue();
    txt.put("_jtau.www.customer.test", List.of(mine.token(), theirs.token()));
    publish();
    DomainClaims.Verification v = claims.verify("evil", "www.customer.test", null);
    assertThat(v.verified()).isFalse();
    assertThat(v.message()).contains("verified by another project");
  }

  @Test
  void reverificationKeepsServingThroughTheGracePeriodThenStops() {
    DomainClaims.Claim c = claims.claim("shop", "www.customer.test");
    txt.put("_jtau.www.customer.test", List.of(c.token()));
    publish();
    claims.verify("shop", "www.customer.test", null);
    txt.clear();
    publish();
    assertThat(claims.reverifyAll(p -> null, (p, f) -> true)).isFalse();
    assertThat(claims.isVerified("shop", "www.customer.test")).isTrue();
    clock.now = clock.now.plus(Duration.ofHours(25));
    assertThat(claims.reverifyAll(p -> null, (p, f) -> true)).isTrue();
    assertThat(claims.isVerified("shop", "www.customer.test")).isFalse();
    // Putting the record back verifies again at the next pass.
    txt.put("_jtau.www.customer.test", List.of(c.token()));
    publish();
    assertThat(claims.reverifyAll(p -> null, (p, f) -> true)).isTrue();
    assertThat(claims.isVerified("shop", "www.customer.test")).isTrue();
  }

  @Test
  void danglingClaimsAreReleased() {
    claims.claim("shop", "old.customer.test");
    claims.claim("gone", "www.customer.test");
    clock.now = clock.now.plus(Duration.ofDays(8));
    claims.claim("shop", "new.customer.test");
    claims.reverifyAll(p -> null, (p, f) -> !p.equals("gone"));
    assertThat(claims.list(null))
        .extracting(DomainClaims.Claim::fqdn)
        .containsExactly("new.customer.test");
  }

  @Test
  void aLookupFailureNeverVerifies() {
    DomainClaims failing =
        new DomainClaims(
            tmp.resolve("other"),
            clock,
            new Random(1),
            name -> {
              throw new IOException("timeout");
            },
            new DomainClaims.Settings(Duration.ofHours(1), Duration.ofDays(1)));
    try (failing) {
      failing.claim("shop", "www.customer.test");
      DomainClaims.Verification v = failing.verify("shop", "www.customer.test", null);
      assertThat(v.verified()).isFalse();
      assertThat(v.message()).contains("lookup failed (timeout)");
    }
  }

  @Test
  void namesAreValidated() {
    assertThatThrownBy(() -> claims.claim("shop", "../etc"))
        .hasMessage("not a domain name: ../etc");
    assertThatThrownBy(() -> claims.claim("shop", "localhost"))
        .hasMessageContaining("not a domain name");
  }
}
