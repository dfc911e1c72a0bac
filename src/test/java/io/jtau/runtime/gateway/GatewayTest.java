package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Cid;
import io.jtau.model.FunctionTarget;
import io.jtau.model.ProjectKey;
import io.jtau.model.Route;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewayTest {

  static final Cid CID = new Cid("bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa");
  final ProjectKey a = new ProjectKey("a", "main");
  final ProjectKey b = new ProjectKey("b", "main");

  static Route route(ProjectKey k, String host, String method, String path) {
    return new Route(
        host,
        method,
        path,
        new FunctionTarget(k, "Qm" + k.project(), null, "f", "f", CID, "f", 0, 0, "c"));
  }

  @Test
  void matchesExactHostMethodAndPath() {
    Gateway g = new Gateway();
    g.apply(a, Set.of(route(a, "X.Example.com", "get", "/ping")));
    assertThat(g.match("x.example.com:8080", "GET", "/ping")).isInstanceOf(Gateway.Found.class);
    assertThat(g.match("X.EXAMPLE.COM.", "GET", "/ping")).isInstanceOf(Gateway.Found.class);
    assertThat(g.match("x.example.com", "GET", "/ping/")).isInstanceOf(Gateway.NotFound.class);
    assertThat(g.match("x.example.com", "POST", "/ping"))
        .isEqualTo(new Gateway.MethodNotAllowed(Set.of("GET")));
    assertThat(g.match("y.example.com", "GET", "/ping")).isInstanceOf(Gateway.UnknownHost.class);
  }

  @Test
  void applyReplacesAProjectsRoutesAtOnce() {
    Gateway g = new Gateway();
    g.apply(a, Set.of(route(a, "x.example.com", "GET", "/one")));
    g.apply(a, Set.of(route(a, "x.example.com", "GET", "/two")));
    assertThat(g.match("x.example.com", "GET", "/one")).isInstanceOf(Gateway.NotFound.class);
    assertThat(g.match("x.example.com", "GET", "/two")).isInstanceOf(Gateway.Found.class);
    g.apply(a, Set.of());
    assertThat(g.serves("x.example.com")).isFalse();
  }

  @Test
  void aHostBelongsToTheFirstProjectThatRoutesIt() {
    Gateway g = new Gateway();
    g.apply(a, Set.of(route(a, "x.example.com", "GET", "/a")));
    g.apply(
        b, Set.of(route(b, "x.example.com", "GET", "/b"), route(b, "y.example.com", "GET", "/b")));
    assertThat(g.match("x.example.com", "GET", "/b")).isInstanceOf(Gateway.NotFound.class);
    assertThat(g.match("y.example.com", "GET", "/b")).isInstanceOf(Gateway.Found.class);
    assertThat(g.conflicts(b)).containsExactly("x.example.com is already served by project a");
    g.apply(a, Set.of());
    g.apply(b, Set.of(route(b, "x.example.com", "GET", "/b")));
    assertThat(g.match("x.example.com", "GET", "/b")).isInstanceOf(Gateway.Found.class);
    assertThat(g.conflicts(b)).isEmpty();
  }

  @Test
  void normalizesHosts() {
    assertThat(Gateway.normalizeHost("A.B:80")).isEqualTo("a.b");
    assertThat(Gateway.normalizeHost("[::1]:8080")).isEqualTo("[::1]");
    assertThat(Gateway.normalizeHost(null)).isEmpty();
  }
}
