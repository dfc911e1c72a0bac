package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Cid;
import io.jtau.model.FunctionTarget;
import io.jtau.model.ProjectKey;
import io.jtau.model.Route;
import io.jtau.model.WebsiteRoute;
import io.jtau.model.WebsiteTarget;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewayWebsiteTest {

  static final Cid SITE = new Cid("bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa");
  static final Cid DOCS = new Cid("bafybeidocsdocsdocsdocsdocsdocsdocsdocsdocsdocsdocsdocsdoc");
  final ProjectKey a = new ProjectKey("a", "main");
  final ProjectKey b = new ProjectKey("b", "main");

  static WebsiteRoute site(ProjectKey k, String host, Cid cid, String... paths) {
    return new WebsiteRoute(
        host,
        List.of(paths),
        new WebsiteTarget(k, "Qm" + k.project() + "12345678", null, "w", "w", cid, "c"));
  }

  static Route fn(ProjectKey k, String host, String method, String path) {
    return new Route(
        host,
        method,
        path,
        new FunctionTarget(
            k, "Qm" + k.project() + "12345678", null, "f", "f", SITE, "f", 0, 0, "c"));
  }

  Gateway gateway() {
    // The docs bundle holds guide/intro.html.
    return new Gateway(
        Gateway.HostAuthority.any(),
        (cid, path) -> cid.equals(DOCS) && path.equals("guide/intro.html"));
  }

  @Test
  void onEqual256TheWebsiteWinsAndAnExactFunctionBeatsAPrefix() {
    Gateway g = gateway();
    g.apply(a, Set.of(fn(a, "x.com", "GET", "/"), fn(a, "x.com", "GET", "/api/ping")));
    g.applyWebsites(a, List.of(site(a, "x.com", SITE, "/")));
    assertThat(g.match("x.com", "GET", "/")).isInstanceOf(Gateway.WebsiteFound.class);
    assertThat(g.match("x.com", "GET", "/api/ping")).isInstanceOf(Gateway.Found.class);
    assertThat(g.match("x.com", "GET", "/about"))
        .isEqualTo(new Gateway.WebsiteFound(site(a, "x.com", SITE, "/"), "/", 1));
    assertThat(g.match("x.com", "POST", "/api/ping"))
        .isEqualTo(new Gateway.MethodNotAllowed(Set.of("GET")));
  }

  @Test
  void highestWebsiteScoreWinsAndFirstOfEqualScores() {
    Gateway g = gateway();
    g.applyWebsites(
        a,
        List.of(
            site(a, "x.com", SITE, "/"),
            site(a, "x.com", DOCS, "/docs"),
            site(a, "x.com", SITE, "/docs")));
    Gateway.Match m = g.match("x.com", "GET", "/docs/other.html");
    assertThat(m).isInstanceOf(Gateway.WebsiteFound.class);
    assertThat(((Gateway.WebsiteFound) m).route().website().bundle()).isEqualTo(DOCS);
    assertThat(((Gateway.WebsiteFound) m).score()).isEqualTo(6);
    Gateway.WebsiteFound boosted =
        (Gateway.WebsiteFound) g.match("x.com", "GET", "/docs/guide/intro.html");
    assertThat(boosted.score()).isEqualTo(256);
    assertThat(boosted.matchedPath()).isEqualTo("/docs");
  }

  @Test
  void aWebsiteOnlyAnswersOnItsOwnDomains() {
    Gateway g = gateway();
    g.applyWebsites(a, List.of(site(a, "x.com", SITE, "/")));
    assertThat(g.match("y.com", "GET", "/")).isInstanceOf(Gateway.UnknownHost.class);
    assertThat(g.match("x.com", "PUT", "/")).isInstanceOf(Gateway.NotFound.class);
  }

  @Test
  void hostsTheAuthorityRefusesAreNotServedAndReported() {
    Gateway g =
        new Gateway(
            (host, key, id) -> !(host.equals("a.com") && key.project().equals("b")),
            Gateway.BundleFiles.none());
    g.applyWebsites(b, List.of(site(b, "a.com", SITE, "/"), site(b, "b.com", SITE, "/")));
    assertThat(g.serves("a.com")).isFalse();
    assertThat(g.serves("b.com")).isTrue();
    assertThat(g.conflicts(b)).containsExactly("a.com is not verified for project b");
  }

  @Test
  void refreshReevaluatesOwnershipAfterAVerification() {
    boolean[] verified = {false};
    Gateway g = new Gateway((host, key, id) -> verified[0], Gateway.BundleFiles.none());
    g.applyWebsites(a, List.of(site(a, "a.com", SITE, "/")));
    assertThat(g.serves("a.com")).isFalse();
    verified[0] = true;
    g.refresh();
    assertThat(g.serves("a.com")).isTrue();
    assertThat(g.owner("a.com")).contains(a);
  }

  @Test
  void websitesAndFunctionsOfOneKeyAreReplacedIndependently() {
    Gateway g = gateway();
    g.apply(a, Set.of(fn(a, "x.com", "GET", "/f")));
    g.applyWebsites(a, List.of(site(a, "x.com", SITE, "/")));
    g.apply(a, Set.of());
    assertThat(g.match("x.com", "GET", "/f")).isInstanceOf(Gateway.WebsiteFound.class);
    g.applyWebsites(a, List.of());
    assertThat(g.serves("x.com")).isFalse();
  }
}
