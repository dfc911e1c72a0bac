package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebsiteScoreTest {

  @ParameterizedTest(name = "{0}: paths {1}, {2} {3} -> {4} via {5}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          root exact            | /,/docs | GET    | /              | 256 | /
          docs exact            | /,/docs | GET    | /docs          | 256 | /docs
          docs prefix           | /,/docs | GET    | /docs/a/b.html | 6   | /docs
          not a segment prefix  | /,/docs | GET    | /docsx         | 1   | /
          root catch-all        | /,/docs | GET    | /about         | 1   | /
          HEAD matches          | /docs   | HEAD   | /docs          | 256 | /docs
          empty method matches  | /docs   | ''     | /docs/x        | 6   | /docs
          POST never matches    | /,/docs | POST   | /docs          | -1  |
          lower-case get        | /       | get    | /              | -1  |
          shorter than path     | /docs   | GET    | /do            | -1  |
          trailing slash path   | /docs/  | GET    | /docs/a        | -1  |
          first of equal kept   | /a,/a   | GET    | /a/x           | 3   | /a
          longest prefix wins   | /a,/a/b | GET    | /a/b/c         | 5   | /a/b
          """)
  void scoresLikeTau(
      String name, String paths, String method, String path, int score, String matched) {
    WebsiteScore.Scored s = WebsiteScore.score(List.of(paths.split(",")), method, path);
    assertThat(s.score()).isEqualTo(score);
    assertThat(s.matchedPath()).isEqualTo(matched);
  }

  @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          file under p* boosted          | /docs | /docs/a/b.html  | 256
          missing file not boosted       | /docs | /docs/nope.html | 6
          file keyed by p* not r (D17)   | /docs | /docs/app.js    | 6
          root file boosted              | /     | /app.js         | 256
          unclean path never boosted     | /docs | /docs//a/b.html | 6
          trailing slash never a file    | /docs | /docs/a/b.html/ | 6
          """)
  void realFileBonusIsKeyedByTheMatchedPath(String name, String p, String r, int score) {
    // The bundle of /docs holds a/b.html; the root bundle holds app.js.
    Set<String> files = p.equals("/") ? Set.of("app.js") : Set.of("a/b.html");
    assertThat(WebsiteScore.scoreWithFiles(List.of(p), "GET", r, files::contains).score())
        .isEqualTo(score);
  }

  @ParameterizedTest(name = "p*={0} r={1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /      | /              | /
          /      | /a/b           | /a/b
          /      | /a/b/          | /a/b/
          /docs  | /docs          | /
          /docs  | /docs/         | /
          /docs  | /docs/x/       | /x/
          /docs  | /docs/x//y     | /x/y
          /      | /a/../../etc   | /etc
          """)
  void servedPathStripsThePrefixAndCleans(String p, String r, String served) {
    assertThat(WebsiteScore.servedPath(p, r)).isEqualTo(served);
  }
}
