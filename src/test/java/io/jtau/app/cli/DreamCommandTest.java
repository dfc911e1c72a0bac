package io.jtau.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DreamCommandTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "'', dream.localhost",
    "main, dream.localhost",
    "master, dream.localhost",
    "dev, dev.dream.localhost",
    "Feature/Login_2, feature-login-2.dream.localhost",
    "--, dream.localhost"
  })
  void aBranchCloudGetsItsOwnDomain(String branch, String fqdn) {
    assertThat(DreamCommand.defaultFqdn(branch.isEmpty() ? null : branch)).isEqualTo(fqdn);
  }
}
