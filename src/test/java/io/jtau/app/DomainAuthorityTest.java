package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.ProjectKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainAuthorityTest {

  final DomainAuthority authority =
      new DomainAuthority(
          "tau.example.com",
          "g.tau.example.com",
          (project, host) -> project.equals("shop") && host.equals("www.shop.test"));

  @ParameterizedTest(name = "{0}: {1} for {2}/{3} -> {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          generated with id tail       | hello-r4zkwruy.g.tau.example.com | hello | QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy | true
          generated, case-insensitive  | HELLO-R4ZKWRUY.g.tau.example.com | hello | QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy | true
          generated of another project | other-zzzzzzzz.g.tau.example.com | hello | QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy | false
          two labels under g           | a.r4zkwruy.g.tau.example.com     | hello | QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy | false
          short project id (D18)       | abc.g.tau.example.com            | hello | abc                                            | false
          cloud name never a project's | api.tau.example.com              | shop  | QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy | false
          verified custom domain       | www.shop.test                    | shop  | QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy | true
          another project's domain     | www.shop.test                    | evil  | QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy | false
          unverified custom domain     | shop.test                        | shop  | QmSbNd3eWBmwTiYXVoydEREfqNt5Cgep1w6AGwr4zKWRUy | false
          """)
  void decidesWhoMayServeAHost(
      String name, String host, String project, String projectId, boolean allowed) {
    assertThat(authority.allows(host.toLowerCase(), new ProjectKey(project, "main"), projectId))
        .isEqualTo(allowed);
  }
}
