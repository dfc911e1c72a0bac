package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checks of {@code jtau.acme.*} settings, each bad value naming its setting. */
class AcmeServiceTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cloud.example.com        | cloud.example.com",
        "CLOUD.example.com.       | cloud.example.com",
        "api.tau.cloud.example.com| api.tau.cloud.example.com",
        "node1.example.net        | node1.example.net",
      })
  void acceptsTheNodesOwnNames(String name, String expected) {
    assertThat(
            AcmeService.nodeNames(
                "cloud.example.com", List.of(" Node1.example.net "), List.of(name)))
        .containsExactly(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "shop.example.com            | shop.example.com is not one of the node's names",
        "x-abcdefgh.g.cloud.example.com | is not one of the node's names",
        "evil-cloud.example.com      | is not one of the node's names",
        "*.cloud.example.com         | not a DNS name: *.cloud.example.com",
        "a/b.cloud.example.com       | not a DNS name",
      })
  void refusesOtherNamesNamingTheSetting(String name, String message) {
    assertThatThrownBy(() -> AcmeService.nodeNames("cloud.example.com", List.of(), List.of(name)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jtau.acme.node-names: ")
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ftp://ca.example.com/dir | expected an https:// URL",
        "not a url                | not a URL",
        "https:///dir             | expected an https:// URL with a host",
      })
  void refusesBadDirectories(String url, String message) {
    assertThatThrownBy(() -> AcmeService.directory(url))
        .hasMessageStartingWith("jtau.acme.directory: ")
        .hasMessageContaining(message);
  }

  @Test
  void acceptsAnHttpsDirectory() {
    assertThat(AcmeService.directory(" https://127.0.0.1:14000/dir ").getPort()).isEqualTo(14000);
  }

  @Test
  void refusesATrustedCaFileWithoutCertificates(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("ca.pem");
    Files.writeString(f, "hello\n");
    assertThatThrownBy(() -> AcmeService.trust(f.toString()))
        .hasMessageStartingWith("jtau.acme.trusted-ca: " + f)
        .hasMessageContaining("no PEM certificate");
    assertThatThrownBy(() -> AcmeService.trust(tmp.resolve("missing.pem").toString()))
        .hasMessageStartingWith("jtau.acme.trusted-ca: cannot read");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                      | true  | http-01,tls-alpn-01",
        "''                      | false | http-01",
        "tls-alpn-01             | true  | tls-alpn-01",
        "' TLS-ALPN-01 ,http-01' | true  | tls-alpn-01,http-01",
      })
  void challengePreference(String configured, boolean https, String expected) {
    java.util.Optional<List<String>> c =
        configured.isEmpty()
            ? java.util.Optional.empty()
            : java.util.Optional.of(List.of(configured.split(",")));
    assertThat(AcmeService.challenges(c, https)).containsExactly(expected.split(","));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http-02             | true  | unknown challenge type http-02",
        "tls-alpn-01         | false | tls-alpn-01 needs HTTPS on (jtau.tls.port is -1)",
        "http-01,http-01     | true  | http-01 is given twice",
      })
  void refusesBadChallengePreferencesNamingTheSetting(
      String configured, boolean https, String message) {
    assertThatThrownBy(
            () ->
                AcmeService.challenges(
                    java.util.Optional.of(List.of(configured.split(","))), https))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jtau.acme.challenges: ")
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "kid-1 | ''                | jtau.acme.eab-hmac-key: missing",
        "''    | c2VjcmV0LWtleS0xMjM0NTY3ODkw | jtau.acme.eab-kid: missing",
        "kid-1 | not*base64        | jtau.acme.eab-hmac-key: not base64url",
        "kid-1 | c2hvcnQ           | jtau.acme.eab-hmac-key: shorter than 16 bytes",
      })
  void refusesAHalfOrBadExternalAccountBinding(String kid, String key, String message) {
    assertThatThrownBy(
            () -> AcmeService.binding(java.util.Optional.of(kid), java.util.Optional.of(key)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining(key.isEmpty() ? "\u0000" : key);
  }

  @Test
  void anExternalAccountBindingNeedsBothParts() {
    assertThat(AcmeService.binding(java.util.Optional.empty(), java.util.Optional.empty()))
        .isEmpty();
    var b =
        AcmeService.binding(
            java.util.Optional.of(" kid-1 "),
            java.util.Optional.of("c2VjcmV0LWtleS0xMjM0NTY3ODkw"));
    assertThat(b.orElseThrow().kid()).isEqualTo("kid-1");
    assertThat(b.orElseThrow().toString()).doesNotContain("c2VjcmV0");
  }
}
