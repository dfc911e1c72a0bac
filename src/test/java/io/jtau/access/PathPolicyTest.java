package io.jtau.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The path policy table as a table: every row, the default deny, and the decisions. */
class PathPolicyTest {

  final PathPolicy policy = PathPolicy.defaults();

  static String show(PathPolicy.Requirement r) {
    if (r instanceof PathPolicy.Requirement.Public) {
      return "public";
    } else if (r instanceof PathPolicy.Requirement.Operator) {
      return "operator";
    } else if (r instanceof PathPolicy.Requirement.AnyToken) {
      return "any-token";
    } else if (r instanceof PathPolicy.Requirement.OnProject p) {
      return p.scope().label() + "@" + p.project();
    } else if (r instanceof PathPolicy.Requirement.OnLookup l) {
      return l.scope().label() + "@" + l.lookup() + ":" + l.key();
    } else if (r instanceof PathPolicy.Requirement.Invalid i) {
      return "invalid";
    }
    throw new AssertionError(r);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          POST   | /api/hooks/github/h1                      | public
          GET    | /api/hooks                                | public
          GET    | /api/projects                             | any-token
          GET    | /api/projects/                            | any-token
          POST   | /api/projects                             | operator
          DELETE | /api/projects/a                           | operator
          GET    | /api/projects/a                           | read@a
          HEAD   | /api/projects/a                           | read@a
          GET    | /api/projects/a/events                    | read@a
          GET    | /api/projects/a/history                   | read@a
          GET    | /api/projects/a/status                    | read@a
          GET    | /api/projects/a/builds/b1/logs            | read@a
          POST   | /api/projects/a/events                    | operator
          POST   | /api/projects/a/reconcile                 | deploy@a
          GET    | /api/projects/a/reconcile                 | operator
          GET    | /api/projects/a/databases/db1/keys/k      | data@a
          PUT    | /api/projects/a/databases/db1/keys/k      | data@a
          DELETE | /api/projects/a/storages/s1/objects/o     | data@a
          GET    | /api/projects/a/channels/c1               | data@a
          POST   | /api/projects/a/domains/example.com/claim | deploy@a
          GET    | /api/projects/a/domains                   | deploy@a
          GET    | /api/projects/a/tokens                    | admin@a
          POST   | /api/projects/a/tokens                    | admin@a
          DELETE | /api/projects/a/tokens/tok_1              | admin@a
          PUT    | /api/projects/a/access                    | admin@a
          GET    | /api/projects/a/secrets                   | operator
          GET    | /api/projects/a/unknown/thing             | operator
          GET    | /api/projects/A_B/status                  | invalid
          GET    | /api/projects/a;x=1/status                | invalid
          GET    | /api/projects/..%2Fb/status               | invalid
          GET    | /api/builds/b123                          | read@build:b123
          GET    | /api/builds/b123/logs                     | read@build:b123
          POST   | /api/builds/b123/cancel                   | deploy@build:b123
          POST   | /api/builds/b123/delete                   | operator
          GET    | /api/builds                               | operator
          GET    | /api/tokens                               | operator
          POST   | /api/tokens                               | operator
          DELETE | /api/tokens/tok_1                         | operator
          GET    | /api/audit                                | operator
          GET    | /api/acme/certs                           | operator
          POST   | /api/acme/certs/cloud.example.com         | operator
          GET    | /api/dream                                | operator
          POST   | /api/dream/samples/hello                  | operator
          GET    | /api/something-new                        | operator
          GET    | /api                                      | operator
          GET    | /git/a/config.git/info/refs               | public
          POST   | /git/a/config.git/git-receive-pack        | public
          GET    | /q/health                                 | public
          GET    | /q/health/live                            | public
          GET    | /q/metrics                                | operator
          GET    | /q/dev-ui                                 | operator
          GET    | /.well-known/acme-challenge/abc           | public
          GET    | /                                         | operator
          GET    | /API/projects                             | operator
          """)
  void table(String method, String path, String expected) {
    assertThat(show(policy.requirement(method, path))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} ? {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /a/config.git/info/refs          | service=git-upload-pack  | read@a
          /a/config.git/git-upload-pack    |                          | read@a
          /a/config.git/info/refs          | service=git-receive-pack | push@a
          /a/code.git/git-receive-pack     |                          | push@a
          /a/code.git/HEAD                 |                          | read@a
          /a/code.git/objects/info/packs   |                          | read@a
          /A/code.git/info/refs            |                          | invalid
          /a                               |                          | invalid
          """)
  void gitTable(String pathInfo, String query, String expected) {
    assertThat(show(PathPolicy.git(pathInfo, query))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          null                                                    | false
          branch=main&limit=5                                     | false
          token=abc                                               | true
          a=1&access_token=abc                                    | true
          ACCESS_TOKEN=abc                                        | true
          api_key=x                                               | true
          x=jtau_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA      | true
          tokens=3                                                | false
          """)
  void credentialsInQuery(String query, boolean refused) {
    assertThat(PathPolicy.credentialInQuery(query)).isEqualTo(refused);
  }

  static final Principal OPERATOR = new Principal.Operator();
  static final Principal READ_A =
      new Principal.ProjectToken("tok_1", "", "a", EnumSet.of(Scope.READ));
  static final Principal PUSH_A =
      new Principal.ProjectToken("tok_2", "", "a", EnumSet.of(Scope.PUSH));
  static final Principal ALL_A =
      new Principal.ProjectToken("tok_3", "", "a", EnumSet.allOf(Scope.class));

  static Principal who(String name) {
    return switch (name) {
      case "none" -> null;
      case "anonymous" -> new Principal.Anonymous();
      case "operator" -> OPERATOR;
      case "read-a" -> READ_A;
      case "push-a" -> PUSH_A;
      case "all-a" -> ALL_A;
      default -> throw new AssertionError(name);
    };
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          none      | GET    | /api/projects/a/status           | 401
          anonymous | GET    | /api/projects/a/status           | 401
          none      | POST   | /api/hooks/github/x              | 0
          operator  | GET    | /api/projects/b/status           | 0
          operator  | GET    | /api/something-new               | 0
          read-a    | GET    | /api/projects/a/status           | 0
          read-a    | GET    | /api/projects/b/status           | 403
          read-a    | GET    | /api/projects/b/events           | 403
          read-a    | GET    | /api/projects/b/history          | 403
          read-a    | POST   | /api/projects/a/reconcile        | 403
          all-a     | POST   | /api/projects/a/reconcile        | 0
          all-a     | POST   | /api/projects/b/reconcile        | 403
          all-a     | GET    | /api/projects/b/databases/d/keys | 403
          all-a     | PUT    | /api/projects/b/storages/s/o     | 403
          all-a     | POST   | /api/projects/b/domains/x/claim  | 403
          all-a     | GET    | /api/projects/b/tokens           | 403
          all-a     | POST   | /api/projects/b/tokens           | 403
          all-a     | GET    | /api/projects/a/tokens           | 0
          read-a    | GET    | /api/projects/a/tokens           | 403
          read-a    | GET    | /api/projects/a/databases/d/keys | 403
          push-a    | GET    | /api/projects/a/status           | 0
          all-a     | GET    | /api/tokens                      | 403
          all-a     | GET    | /api/audit                       | 403
          all-a     | GET    | /api/acme/certs                  | 403
          all-a     | POST   | /api/acme/certs/x.example.com    | 403
          all-a     | GET    | /api/dream                       | 403
          all-a     | GET    | /q/metrics                       | 403
          all-a     | GET    | /api/projects                    | 0
          all-a     | GET    | /api/builds/build-of-a           | 0
          all-a     | GET    | /api/builds/build-of-b           | 403
          read-a    | GET    | /api/builds/unknown-build        | 403
          operator  | GET    | /api/builds/unknown-build        | 0
          operator  | GET    | /api/projects/Bad/status         | 400
          """)
  void decisions(String who, String method, String path, int status) {
    PathPolicy.Decision d =
        PathPolicy.decide(
            who(who),
            policy.requirement(method, path),
            l ->
                switch (l.key()) {
                  case "build-of-a" -> Optional.of("a");
                  case "build-of-b" -> Optional.of("b");
                  default -> Optional.empty();
                });
    assertThat(d.status()).as(d.message()).isEqualTo(status);
  }

  @Test
  void gitPushNeedsPushAndReadCannotPush() {
    PathPolicy.Requirement push = PathPolicy.git("/a/code.git/git-receive-pack", null);
    assertThat(PathPolicy.decide(READ_A, push, l -> Optional.empty()).status()).isEqualTo(403);
    assertThat(PathPolicy.decide(PUSH_A, push, l -> Optional.empty()).allowed()).isTrue();
    PathPolicy.Requirement pushB = PathPolicy.git("/b/code.git/git-receive-pack", null);
    assertThat(PathPolicy.decide(ALL_A, pushB, l -> Optional.empty()).status()).isEqualTo(403);
  }

  @Test
  void rowsRejectAScopeWithoutAProject() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new PathPolicy.Row("*", "/x", PathPolicy.Kind.OPERATOR, Scope.READ, null))
        .hasMessageContaining("scope goes with PROJECT/LOOKUP");
  }
}
