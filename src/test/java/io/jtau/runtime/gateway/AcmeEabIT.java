package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.Pebble;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External account binding against the real {@code pebble} CA requiring one: without a binding the
 * CA's requirement is reported naming the settings and no order is sent; with a wrong MAC key the
 * CA refuses the account; with the right one the certificate is issued and chains to pebble's root.
 * Pebble validates every challenge as valid here ({@code PEBBLE_VA_ALWAYS_VALID}): this test is
 * about the account, AcmeIT about challenges. Skips when pebble is not installed.
 */
class AcmeEabIT {

  static final String KID = "kid-jtau-test";
  static final String HMAC = randomKey();
  static Pebble pebble;

  @TempDir Path dir;

  static String randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(k);
  }

  @BeforeAll
  static void startPebble() throws Exception {
    Assumptions.assumeTrue(Pebble.installed(), Pebble.MISSING);
    pebble = new Pebble();
    pebble.start(
        Map.of(
            "externalAccountBindingRequired",
            true,
            "externalAccountMACKeys",
            Map.of(KID, HMAC),
            "httpPort",
            Pebble.freePort(),
            "tlsPort",
            Pebble.freePort()),
        Map.of("PEBBLE_VA_ALWAYS_VALID", "1", "PEBBLE_VA_NOSLEEP", "1"),
        null);
  }

  @AfterAll
  static void stopPebble() throws Exception {
    if (pebble != null) {
      pebble.close();
    }
  }

  AcmeCertificates acme(Path folder, Optional<AcmeCertificates.Binding> binding, SniKeyManager sni)
      throws Exception {
    AcmeCertificates.Settings s =
        new AcmeCertificates.Settings(
            pebble.directory(),
            Optional.of("ops@example.test"),
            true,
            pebble.trust(),
            Duration.ofDays(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(300),
            20,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            List.of("http-01"),
            binding);
    return new AcmeCertificates(
        folder,
        s,
        Clock.systemUTC(),
        AcmeCertificatesTest.SEALER,
        new AcmeChallenges(),
        sni,
        () -> Set.of("eab.example.test"),
        n -> true);
  }

  @Test
  void withoutABindingTheRequirementIsReportedAndNoOrderIsSent() throws Exception {
    AcmeCertificates acme = acme(dir, Optional.empty(), new SniKeyManager());
    acme.runDue();
    AcmeCertificates.CertStatus s = acme.status("eab.example.test");
    assertThat(s.state()).isEqualTo("failed");
    assertThat(s.lastError())
        .contains("requires an external account binding")
        .contains("jtau.acme.eab-kid")
        .contains("jtau.acme.eab-hmac-key");
    assertThat(acme.ordersCreated()).isZero();
  }

  @Test
  void aWrongMacKeyIsRefusedByTheCa() throws Exception {
    AcmeCertificates acme =
        acme(dir, Optional.of(new AcmeCertificates.Binding(KID, randomKey())), new SniKeyManager());
    acme.runDue();
    AcmeCertificates.CertStatus s = acme.status("eab.example.test");
    assertThat(s.state()).isEqualTo("failed");
    assertThat(s.lastError()).startsWith("ACME server ").doesNotContain(HMAC);
    assertThat(acme.ordersCreated()).isZero();
  }

  @Test
  void theRightBindingGetsACertificateChainingToPebblesRoot() throws Exception {
    AcmeCertificates.Binding binding = new AcmeCertificates.Binding(KID, HMAC);
    assertThat(binding.toString()).doesNotContain(HMAC).contains(KID);
    SniKeyManager sni = new SniKeyManager();
    AcmeCertificates acme = acme(dir, Optional.of(binding), sni);
    acme.runDue();
    AcmeCertificates.CertStatus s = acme.status("eab.example.test");
    assertThat(s.state()).as(String.valueOf(s.lastError())).isEqualTo("valid");
    assertThat(s.issuer()).contains("Pebble");
    X509Certificate[] chain = sni.select("eab.example.test").chain();
    var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain));
    PKIXParameters params =
        new PKIXParameters(Set.of(new TrustAnchor(pebble.roots().get(0), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(path, params);
    assertThat(acme.ordersCreated()).isEqualTo(1);
  }
}
