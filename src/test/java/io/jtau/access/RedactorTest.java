package io.jtau.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactorTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          url with password | clone https://bob:hunter22@git.example.com/x.git failed | clone https://<redacted>@git.example.com/x.git failed
          bearer header     | Authorization: Bearer abcdefghijkl                      | Authorization: Bearer <redacted>
          basic header      | authorization: basic ZGVtbzpzZWNyZXQ=                    | authorization: basic <redacted>
          plain text        | revision abc123 is live                                 | revision abc123 is live
          url without auth  | fetch https://git.example.com/x.git                     | fetch https://git.example.com/x.git
          """)
  void shapes(String name, String in, String out) {
    assertThat(new Redactor().redact(in)).isEqualTo(out);
  }

  @Test
  void tokensAndRegisteredSecretsAreRemoved() {
    Redactor r = new Redactor();
    String token = Tokens.generate(new SecureRandom());
    assertThat(r.redact("bad token " + token + "!")).isEqualTo("bad token <redacted>!");
    r.register("jtau-canary-12345678");
    assertThat(r.redact("db key jtau-canary-12345678 used")).isEqualTo("db key <redacted> used");
    assertThat(r.containsSecret("jtau-canary-12345678")).isTrue();
    r.forget("jtau-canary-12345678");
    assertThat(r.containsSecret("jtau-canary-12345678")).isFalse();
    assertThatThrownBy(() -> r.register("short")).hasMessageContaining("at least 8");
    assertThat(r.redact(null)).isNull();
  }
}
