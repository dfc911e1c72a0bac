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
        List.of("http-01", "tls-alpn-01"));
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
        new AcmeCertificates(
            dir,
            settings(URI.create("https://127.0.0.1:1/dir")),
            clock,
            SEALER,
            new AcmeChallenges(),
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
          new AcmeCertificates(
              dir,
              settings(URI.create("https://127.0.0.1:" + stall.getLocalPort() + "/dir")),
              clock,
              SEALER,
              new AcmeChallenges(),
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
      assertThat(s.lastError()).startsWith("ACME server https://127.0.0.1:");
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
    SniKeyManager.KeyAndChain kc =
        SelfSigned.loadOrCreate(
            dir.resolve("make"), List.of("shop.example.com"), List.of(), new SecureRandom());
    Files.createDirectories(dir.resolve("certs"));
    Files.writeString(
        dir.resolve("certs/shop.example.com.pem"),
        Pem.encode("CERTIFICATE", kc.chain()[0].getEncoded()));
    Files.writeString(
        dir.resolve("certs/shop.example.com.key"),
        SEALER.seal(
            Pem.encode("PRIVATE KEY", kc.key().getEncoded()), "acme/cert/shop.example.com"));
    Instant end = kc.chain()[0].getNotAfter().toInstant();
    TestClock clock = new TestClock();
    clock.now = end.minus(Duration.ofDays(31));
    AtomicBoolean eligible = new AtomicBoolean(true);
    SniKeyManager sni = new SniKeyManager();
    AcmeCertificates acme =
        new AcmeCertificates(
            dir,
            settings(URI.create("https://127.0.0.1:1/dir")),
            clock,
            SEALER,
            new AcmeChallenges(),
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
    SniKeyManager.KeyAndChain kc =
        SelfSigned.loadOrCreate(
            dir.resolve("make"), List.of("shop.example.com"), List.of(), new SecureRandom());
    Files.createDirectories(dir.resolve("certs"));
    Files.writeString(
        dir.resolve("certs/shop.example.com.pem"),
        Pem.encode("CERTIFICATE", kc.chain()[0].getEncoded()));
    Files.writeString(
        dir.resolve("certs/shop.example.com.key"),
        SEALER.seal(
            Pem.encode("PRIVATE KEY", kc.key().getEncoded()), "acme/cert/shop.example.com"));
    TestClock clock = new TestClock();
    clock.now = kc.chain()[0].getNotAfter().toInstant().minus(Duration.ofDays(10));
    SniKeyManager sni = new SniKeyManager();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    AcmeCertificates acme =
        new AcmeCertificates(
            dir,
            settings(URI.create("https://127.0.0.1:" + closedPort + "/dir")),
            clock,
            SEALER,
            new AcmeChallenges(),
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
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    AcmeCertificates.Settings one =
        new AcmeCertificates.Settings(
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
            List.of("http-01"));
    TestClock clock = new TestClock();
    AcmeCertificates acme =
        new AcmeCertificates(
            dir,
            one,
            clock,
            SEALER,
            new AcmeChallenges(),
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
    SniKeyManager.KeyAndChain kc =
        SelfSigned.loadOrCreate(
            dir.resolve("make"), List.of("a.example.com"), List.of(), new SecureRandom());
    Files.createDirectories(dir.resolve("certs"));
    Files.writeString(
        dir.resolve("certs/a.example.com.pem"),
        Pem.encode("CERTIFICATE", kc.chain()[0].getEncoded()));
    Files.writeString(
        dir.resolve("certs/a.example.com.key"),
        SEALER.seal(Pem.encode("PRIVATE KEY", kc.key().getEncoded()), "acme/cert/b.example.com"));
    SniKeyManager sni = new SniKeyManager();
    AcmeCertificates acme =
        new AcmeCertificates(
            dir,
            settings(URI.create("https://127.0.0.1:1/dir")),
            new TestClock(),
            SEALER,
            new AcmeChallenges(),
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
}
