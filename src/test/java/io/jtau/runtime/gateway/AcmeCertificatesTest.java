package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The certificate manager's rules without a CA: names that are not eligible never reach the CA, a
 * CA that accepts connections and never answers fails the attempt within the network timeout and
 * backs off (doubling), stored certificates load at start and are served only while eligible, and
 * renewal is due {@code renewBefore} the end.
 */
class AcmeCertificatesTest {

  @TempDir Path dir;

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-28T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Seals by prefixing the context (tests only check that the context round-trips). */
  static final AcmeCertificates.Sealer SEALER =
      new AcmeCertificates.Sealer() {
        @Override
        public String seal(String plain, String context) {
          return "sealed:"
              + context
              + ":"
              + java.util.Base64.getEncoder().encodeToString(plain.getBytes());
        }

        @Override
        public String open(String sealed, String context) {
          String p = "sealed:" + context + ":";
          if (!sealed.startsWith(p)) {
            throw new IllegalArgumentException("other context");
          }
          return new String(java.util.Base64.getDecoder().decode(sealed.substring(p.length())));
        }
      };

  static AcmeCertificates.Settings settings(URI directory) {
    return settings(directory, List.of("http-01", "tls-alpn-01"));
  }

  /** Settings for tests: 60 s backoff doubling to 300 s, 20 orders per hour, short timeouts. */
  static AcmeCertificates.Settings settings(URI directory, List<String> challenges) {
    return new AcmeCertificates.Settings(
        directory,
        Optional.empty(),
        true,
        null,
        Duration.ofDays(30),
        Duration.ofSeconds(60),
        Duration.ofSeconds(300),
        20,
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        challenges,
        Optional.empty());
  }

  AcmeCertificates acme(
      AcmeCertificates.Settings settings,
      Clock clock,
      SniKeyManager sni,
      java.util.function.Supplier<Set<String>> wanted,
      java.util.function.Predicate<String> eligible)
      throws java.io.IOException {
    return new AcmeCertificates(
        dir, settings, clock, SEALER, new AcmeChallenges(), sni, wanted, eligible);
  }

  /** Settings allowing one order per hour, against a port nothing listens on. */
  static AcmeCertificates.Settings oneOrderPerHour() throws java.io.IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    return new AcmeCertificates.Settings(
        URI.create("https://127.0.0.1:" + closedPort + "/dir"),
        Optional.empty(),
        true,
        null,
        Duration.ofDays(30),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        1,
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        List.of("http-01"),
        Optional.empty());
  }

  /** Stores a self-signed certificate for {@code name} as an issued one (key sealed for it). */
  SniKeyManager.KeyAndChain stored(String name) throws Exception {
    return stored(name, name);
  }

  /** The same, with the key sealed for {@code sealedFor} (another name: a tampered store). */
  SniKeyManager.KeyAndChain stored(String name, String sealedFor) throws Exception {
    SniKeyManager.KeyAndChain kc =
        SelfSigned.loadOrCreate(dir.resolve("make"), List.of(name), List.of(), new SecureRandom());
    Files.createDirectories(dir.resolve("certs"));
    Files.writeString(
        dir.resolve("certs/" + name + ".pem"),
        Pem.encode("CERTIFICATE", kc.chain()[0].getEncoded()));
    Files.writeString(
        dir.resolve("certs/" + name + ".key"),
        SEALER.seal(Pem.encode("PRIVATE KEY", kc.key().getEncoded()), "acme/cert/" + sealedFor));
    return kc;
  }

  @ParameterizedTest
  @CsvSource({"0,0", "1,60", "2,120", "3,240", "4,300", "30,300"})
  void backoffDoublesUpToTheCap(int failures, long seconds) {
    assertThat(AcmeCertificates.backoff(failures, Duration.ofSeconds(60), Duration.ofSeconds(300)))
        .isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "*.example.com",
        "example",
        "a..example.com",
        "-a.example.com",
        "a/b.example.com",
        "''"
      })
  void refusesNamesThatAreNotPlainDnsNames(String name) {
    assertThatThrownBy(() -> AcmeCertificates.normalize(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a DNS name: ");
  }

  @Test
  void anUnverifiedNameNeverReachesTheCa() throws Exception {
    TestClock clock = new TestClock();
    SniKeyManager sni = new SniKeyManager();
    AcmeCertificates acme =
        acme(
            settings(URI.create("https://127.0.0.1:1/dir")),
            clock,
            sni,
            () -> Set.of("unverified.example.com"),
            n -> false);
    assertThatThrownBy(() -> acme.request("Unverified.Example.com"))
        .hasMessageContaining("unverified.example.com is not a verified domain");
    acme.runDue();
    assertThat(acme.ordersCreated()).isZero();
    AcmeCertificates.CertStatus s = acme.status("unverified.example.com");
    assertThat(s.state()).isEqualTo("not-eligible");
    assertThat(s.failures()).isZero();
    assertThat(acme.events()).extracting(AcmeCertificates.Event::kind).containsExactly("refused");
    assertThat(Files.exists(dir.resolve("account.key"))).isFalse();
  }

  @Test
  void aStallingCaFailsWithinTheTimeoutAndBacksOff() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Socket> held = new ArrayList<>();
    try (ServerSocket stall = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                // Accepts at most 16 connections and never answers.
                for (int i = 0; i < 16 && !stop.get(); i++) {
                  try {
                    held.add(stall.accept());
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      TestClock clock = new TestClock();
      AcmeCertificates acme =
          acme(
              settings(URI.create("https://127.0.0.1:" + stall.getLocalPort() + "/dir")),
              clock,
              new SniKeyManager(),
              () -> Set.of("shop.example.com"),
              n -> true);
      long t0 = System.nanoTime();
      acme.runDue();
      System.out.printf(
          "ACME: a stalling CA failed the attempt after %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);
      AcmeCertificates.CertStatus s = acme.status("shop.example.com");
      assertThat(s.state()).isEqualTo("failed");
      assertThat(s.failures()).isEqualTo(1);
      assertThat(s.lastError())
          .startsWith("ACME server https://127.0.0.1:")
          .contains("AcmeNetworkException");
      assertThat(s.nextAttempt()).isEqualTo(clock.now.plusSeconds(60));
      // Not due again before the backoff ends.
      acme.runDue();
      assertThat(acme.status("shop.example.com").failures()).isEqualTo(1);
      clock.now = clock.now.plusSeconds(61);
      acme.runDue();
      AcmeCertificates.CertStatus s2 = acme.status("shop.example.com");
      assertThat(s2.failures()).isEqualTo(2);
      assertThat(s2.nextAttempt()).isEqualTo(clock.now.plusSeconds(120));
      assertThat(acme.ordersCreated()).isZero();
      // A request clears the backoff at once.
      assertThat(acme.request("shop.example.com").failures()).isZero();
    } finally {
      stop.set(true);
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void storedCertificatesLoadAtStartAndServeOnlyWhileEligible() throws Exception {
    SniKeyManager.KeyAndChain kc = stored("shop.example.com");
    Instant end = kc.chain()[0].getNotAfter().toInstant();
    TestClock clock = new TestClock();
    clock.now = end.minus(Duration.ofDays(31));
    AtomicBoolean eligible = new AtomicBoolean(true);
    SniKeyManager sni = new SniKeyManager();
    AcmeCertificates acme =
        acme(
            settings(URI.create("https://127.0.0.1:1/dir")),
            clock,
            sni,
            () -> Set.of("shop.example.com"),
            n -> eligible.get());
    assertThat(sni.select("shop.example.com")).isNotNull();
    assertThat(sni.select("shop.example.com").chain()[0]).isEqualTo(kc.chain()[0]);
    assertThat(acme.status("shop.example.com").state()).isEqualTo("valid");
    clock.now = end.minus(Duration.ofDays(29));
    assertThat(acme.status("shop.example.com").state()).isEqualTo("renewal-due");
    eligible.set(false);
    acme.refresh();
    assertThat(sni.select("shop.example.com")).isNull();
    assertThat(acme.status("shop.example.com").state()).startsWith("not-eligible");
  }

  @Test
  void aFailedRenewalKeepsServingThePreviousCertificate() throws Exception {
    SniKeyManager.KeyAndChain kc = stored("shop.example.com");
    TestClock clock = new TestClock();
    clock.now = kc.chain()[0].getNotAfter().toInstant().minus(Duration.ofDays(10));
    SniKeyManager sni = new SniKeyManager();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    AcmeCertificates acme =
        acme(
            settings(URI.create("https://127.0.0.1:" + closedPort + "/dir")),
            clock,
            sni,
            () -> Set.of("shop.example.com"),
            n -> true);
    assertThat(acme.status("shop.example.com").state()).isEqualTo("renewal-due");
    acme.runDue();
    AcmeCertificates.CertStatus s = acme.status("shop.example.com");
    assertThat(s.state()).isEqualTo("renewal-failing");
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.notAfter()).isEqualTo(kc.chain()[0].getNotAfter().toInstant());
    assertThat(sni.select("shop.example.com").chain()[0]).isEqualTo(kc.chain()[0]);
  }

  @Test
  void theNodesOwnOrderLimitHoldsAttemptsUntilTheHourPasses() throws Exception {
    AcmeCertificates.Settings one = oneOrderPerHour();
    TestClock clock = new TestClock();
    AcmeCertificates acme =
        acme(
            one,
            clock,
            new SniKeyManager(),
            () -> Set.of("a.example.com", "b.example.com"),
            n -> true);
    Instant start = clock.now;
    acme.runDue();
    // a.example.com used the one attempt of the hour; b.example.com waits for the hour to pass.
    assertThat(acme.status("a.example.com").lastError()).startsWith("ACME server");
    AcmeCertificates.CertStatus b = acme.status("b.example.com");
    assertThat(b.lastError()).contains("node limit of 1 orders per hour");
    assertThat(b.nextAttempt()).isEqualTo(start.plusSeconds(3600));
    assertThat(b.failures()).isZero();
    assertThat(b.state()).isEqualTo("waiting");
  }

  @Test
  void aKeySealedForAnotherNameDoesNotLoad() throws Exception {
    SniKeyManager.KeyAndChain kc = stored("a.example.com", "b.example.com");
    SniKeyManager sni = new SniKeyManager();
    AcmeCertificates acme =
        acme(
            settings(URI.create("https://127.0.0.1:1/dir")),
            new TestClock(),
            sni,
            Set::of,
            n -> true);
    assertThat(sni.select("a.example.com")).isNull();
    assertThat(acme.events().get(0).message()).contains("stored certificate does not load");
  }

  @Test
  void challengesAnswerOnlyTheirOwnHost() {
    AcmeChallenges c = new AcmeChallenges();
    c.put("Shop.example.com", "tok", "tok.thumb");
    assertThat(c.answer("shop.example.com", "tok")).contains("tok.thumb");
    assertThat(c.answer("other.example.com", "tok")).isEmpty();
    assertThat(c.answer("shop.example.com", "other")).isEmpty();
    c.remove("shop.example.com", "tok");
    assertThat(c.size()).isZero();
  }

  /** A self-signed certificate valid from {@code from} for {@code lifetime}. */
  static java.security.cert.X509Certificate lived(Instant from, Duration lifetime)
      throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    java.security.KeyPair kp = g.generateKeyPair();
    return org.shredzone.acme4j.util.CertificateUtils.createTestRootCertificate(
        "CN=lived.example.com", from, from.plus(lifetime), kp);
  }

  @ParameterizedTest
  @CsvSource({
    // lifetime days, renew-before days, expected renewal this many hours before the end
    "90, 30, 720",
    "6, 30, 48",
    "45, 30, 360",
    "397, 30, 720",
    "90, 10, 240",
  })
  void renewalIsDueAtRenewBeforeOrAThirdOfTheLifetimeLeft(
      long lifetimeDays, long renewDays, long hoursBeforeEnd) throws Exception {
    Instant from = Instant.parse("2026-11-01T00:00:00Z");
    var cert = lived(from, Duration.ofDays(lifetimeDays));
    Instant end = cert.getNotAfter().toInstant();
    assertThat(Duration.between(AcmeCertificates.renewAt(cert, Duration.ofDays(renewDays)), end))
        .isEqualTo(Duration.ofHours(hoursBeforeEnd));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // configured | requested | failed last | expected
        "http-01,tls-alpn-01 | -           | -           | http-01,tls-alpn-01",
        "http-01,tls-alpn-01 | -           | http-01     | tls-alpn-01,http-01",
        "http-01,tls-alpn-01 | -           | tls-alpn-01 | http-01,tls-alpn-01",
        "http-01,tls-alpn-01 | tls-alpn-01 | http-01     | tls-alpn-01",
        "http-01             | -           | http-01     | http-01",
      })
  void theChallengeThatFailedLastIsTriedLast(
      String configured, String requested, String failedLast, String expected) {
    assertThat(
            AcmeCertificates.preference(
                List.of(configured.split(",")), Optional.ofNullable(requested), failedLast))
        .containsExactly(expected.split(","));
  }

  @Test
  void backoffAndTheHourlyOrderCountSurviveARestart() throws Exception {
    java.util.concurrent.atomic.AtomicInteger connections =
        new java.util.concurrent.atomic.AtomicInteger();
    try (ServerSocket refuse = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                // Counts and drops at most 16 connections: every ACME request fails at once.
                for (int i = 0; i < 16; i++) {
                  try (Socket s = refuse.accept()) {
                    connections.incrementAndGet();
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      URI ca = URI.create("https://127.0.0.1:" + refuse.getLocalPort() + "/dir");
      TestClock clock = new TestClock();
      AcmeCertificates first =
          acme(
              settings(ca),
              clock,
              new SniKeyManager(),
              () -> Set.of("shop.example.com"),
              n -> true);
      first.runDue();
      AcmeCertificates.CertStatus failed = first.status("shop.example.com");
      assertThat(failed.failures()).as(failed.lastError()).isEqualTo(1);
      org.awaitility.Awaitility.await().until(() -> connections.get() >= 1);
      int before = connections.get();

      // A new process over the same folder: same backoff, nothing sent before it ends.
      AcmeCertificates second =
          acme(
              settings(ca),
              clock,
              new SniKeyManager(),
              () -> Set.of("shop.example.com"),
              n -> true);
      AcmeCertificates.CertStatus reloaded = second.status("shop.example.com");
      assertThat(reloaded.failures()).isEqualTo(1);
      assertThat(reloaded.nextAttempt()).isEqualTo(failed.nextAttempt());
      assertThat(reloaded.lastError()).isEqualTo(failed.lastError());
      assertThat(reloaded.state()).isEqualTo("failed");
      second.runDue();
      assertThat(connections.get()).isEqualTo(before);
      assertThat(second.events())
          .extracting(AcmeCertificates.Event::kind)
          .containsExactly("failed");
      // Once the backoff ends, the next attempt counts as the second failure.
      clock.now = failed.nextAttempt().plusSeconds(1);
      second.runDue();
      assertThat(second.status("shop.example.com").failures()).isEqualTo(2);
    }
  }

  @Test
  void theHourlyOrderLimitCountsOrdersFromBeforeARestart() throws Exception {
    AcmeCertificates.Settings one = oneOrderPerHour();
    TestClock clock = new TestClock();
    Instant start = clock.now;
    acme(one, clock, new SniKeyManager(), () -> Set.of("a.example.com"), n -> true).runDue();
    clock.now = clock.now.plusSeconds(5);
    AcmeCertificates restarted =
        acme(
            one,
            clock,
            new SniKeyManager(),
            () -> Set.of("a.example.com", "b.example.com"),
            n -> true);
    restarted.runDue();
    AcmeCertificates.CertStatus b = restarted.status("b.example.com");
    assertThat(b.lastError()).contains("node limit of 1 orders per hour");
    assertThat(b.nextAttempt()).isEqualTo(start.plusSeconds(3600));
  }

  @Test
  void aDamagedStateFileIsSetAsideAndCertificatesStillLoad() throws Exception {
    SniKeyManager.KeyAndChain kc = stored("shop.example.com");
    Files.writeString(dir.resolve("state.json"), "{\"attempts\": {\"shop.example.com\": [tru");
    SniKeyManager sni = new SniKeyManager();
    AcmeCertificates acme =
        acme(
            settings(URI.create("https://127.0.0.1:1/dir")),
            new TestClock(),
            sni,
            () -> Set.of("shop.example.com"),
            n -> true);
    assertThat(sni.select("shop.example.com").chain()[0]).isEqualTo(kc.chain()[0]);
    assertThat(Files.exists(dir.resolve("state.json.damaged"))).isTrue();
    assertThat(acme.events().get(0).message()).contains("state.json did not load");
  }

  @Test
  void aForcedRenewalMakesAValidCertificateDueAndAnUnknownChallengeIsRefused() throws Exception {
    SniKeyManager.KeyAndChain kc = stored("shop.example.com");
    TestClock clock = new TestClock();
    clock.now = kc.chain()[0].getNotBefore().toInstant().plus(Duration.ofDays(1));
    AcmeCertificates acme =
        acme(
            settings(URI.create("https://127.0.0.1:1/dir")),
            clock,
            new SniKeyManager(),
            () -> Set.of("shop.example.com"),
            n -> true);
    assertThat(acme.status("shop.example.com").state()).isEqualTo("valid");
    assertThatThrownBy(() -> acme.request("shop.example.com", Optional.of("http-02"), true))
        .hasMessageContaining("unknown ACME challenge type http-02");
    assertThat(acme.status("shop.example.com").state()).isEqualTo("valid");
    assertThat(acme.request("shop.example.com", Optional.of("tls-alpn-01"), true).state())
        .isEqualTo("renewal-due");
  }

  @Test
  void tlsAlpnCertificatesArePublishedPerExactName() throws Exception {
    AcmeChallenges c = new AcmeChallenges();
    assertThat(c.tlsAlpnPending()).isFalse();
    SniKeyManager.KeyAndChain kc =
        SelfSigned.loadOrCreate(
            dir.resolve("v"), List.of("shop.example.com"), List.of(), new SecureRandom());
    c.putTlsAlpn("Shop.Example.com", kc);
    assertThat(c.tlsAlpnPending()).isTrue();
    assertThat(c.tlsAlpn("shop.example.com")).contains(kc);
    assertThat(c.tlsAlpn("other.example.com")).isEmpty();
    assertThat(c.tlsAlpn(null)).isEmpty();
    c.removeTlsAlpn("shop.example.com");
    assertThat(c.tlsAlpnPending()).isFalse();
    assertThat(c.size()).isZero();
  }

  @Test
  void namesNobodyWantsAreForgottenAndTheirExpiredCertificatesDeleted() throws Exception {
    SniKeyManager.KeyAndChain old = stored("old.example.com");
    java.util.concurrent.atomic.AtomicReference<Set<String>> wanted =
        new java.util.concurrent.atomic.AtomicReference<>(
            Set.of("old.example.com", "failing.example.com"));
    TestClock clock = new TestClock();
    clock.now = old.chain()[0].getNotBefore().toInstant().plus(Duration.ofDays(1));
    AcmeCertificates acme =
        acme(oneOrderPerHour(), clock, new SniKeyManager(), wanted::get, n -> true);
    acme.runDue();
    assertThat(acme.status("failing.example.com").failures()).isEqualTo(1);

    // The project lets both go, and the certificate's end passes.
    wanted.set(Set.of());
    clock.now = old.chain()[0].getNotAfter().toInstant().plusSeconds(1);
    acme.runDue();
    assertThat(acme.statuses())
        .extracting(AcmeCertificates.CertStatus::name)
        .doesNotContain("failing.example.com", "old.example.com");
    assertThat(Files.exists(dir.resolve("certs/old.example.com.pem"))).isFalse();
    assertThat(Files.exists(dir.resolve("certs/old.example.com.key"))).isFalse();
    assertThat(acme.events())
        .anyMatch(e -> e.name().equals("old.example.com") && e.kind().equals("removed"));
    // Still forgotten after a restart.
    AcmeCertificates again =
        acme(oneOrderPerHour(), clock, new SniKeyManager(), wanted::get, n -> true);
    assertThat(again.statuses())
        .extracting(AcmeCertificates.CertStatus::name)
        .doesNotContain("failing.example.com", "old.example.com");
  }

  @Test
  void aValidCertificateOfANameNoLongerWantedIsKeptButNotServed() throws Exception {
    SniKeyManager.KeyAndChain kc = stored("back.example.com");
    java.util.concurrent.atomic.AtomicBoolean want =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    TestClock clock = new TestClock();
    clock.now = kc.chain()[0].getNotBefore().toInstant().plus(Duration.ofDays(1));
    SniKeyManager sni = new SniKeyManager();
    AcmeCertificates acme =
        acme(
            oneOrderPerHour(),
            clock,
            sni,
            () -> want.get() ? Set.of("back.example.com") : Set.of(),
            n -> want.get());
    assertThat(sni.select("back.example.com")).isNotNull();
    want.set(false);
    acme.runDue();
    assertThat(sni.select("back.example.com")).isNull();
    assertThat(Files.exists(dir.resolve("certs/back.example.com.pem"))).isTrue();
    assertThat(acme.status("back.example.com").state()).startsWith("not-eligible");
    // The name comes back within the validity: served again, no order needed.
    want.set(true);
    acme.runDue();
    assertThat(sni.select("back.example.com").chain()[0]).isEqualTo(kc.chain()[0]);
    assertThat(acme.ordersCreated()).isZero();
  }
}
