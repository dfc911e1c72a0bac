package io.jtau.schema;

import static io.jtau.schema.Trees.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Problem;
import io.jtau.model.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example of config-format.md 10.3 and its index map (registry.md 3.3). */
class CanonicalFixtureTest {

  private final CompileResult result =
      new ConfigCompiler(new CompileOptions("main", "tau.example.com", "g.tau.example.com", false))
          .compile(fixture("canonical"));

  @Test
  void compilesWithoutProblems() {
    assertThat(result.problems()).extracting(Problem::toString).isEmpty();
    assertThat(result.ok()).isTrue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void objectMatchesSection10_3() {
    Map<String, Object> o = result.object();
    assertThat(o)
        .containsEntry("id", PID)
        .containsEntry("name", "demo_shop")
        .containsEntry("description", "spec example")
        .containsEntry("email", "ops@example.com")
        .containsEntry("account", "acme")
        .containsEntry("plan", "starter")
        .doesNotContainKeys("tags", "clouds");
    assertThat((Map<String, Object>) o.get("domains"))
        .containsExactly(
            Map.entry(
                CID2,
                Map.of(
                    "name", "public", "fqdn", "vt292gfu.g.tau.example.com", "cert-type", "auto")));
    Map<String, Object> hello =
        (Map<String, Object>) ((Map<String, Object>) o.get("functions")).get(CID1);
    assertThat(hello)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("name", "hello"),
                Map.entry("tags", List.of("smartops:guard")),
                Map.entry("smartops", List.of(CID3)),
                Map.entry("type", "https"),
                Map.entry("secure", true),
                Map.entry("method", "get"),
                Map.entry("domains", List.of(CID2)),
                Map.entry("paths", List.of("/hello")),
                Map.entry("source", "."),
                Map.entry("timeout", 90_000_000_000L),
                Map.entry("memory", 67_108_864L),
                Map.entry("call", "hello")));
    assertThat((Map<String, Object>) o.get("smartops"))
        .containsExactly(
            Map.entry(
                CID3,
                Map.of(
                    "name",
                    "guard",
                    "source",
                    ".",
                    "timeout",
                    5_000_000_000L,
                    "memory",
                    8_000_000L,
                    "call",
                    "guard")));
    assertThat((Map<String, Object>) o.get("databases"))
        .containsExactly(
            Map.entry(
                CID4,
                Map.of("name", "users", "match", "users", "local", true, "size", 1_000_000_000L)));
    Map<String, Object> shop =
        (Map<String, Object>) ((Map<String, Object>) o.get("applications")).get(APP);
    assertThat(shop).containsEntry("name", "shop").containsEntry("description", "shop app");
    assertThat((Map<String, Object>) ((Map<String, Object>) shop.get("functions")).get(CID5))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("name", "list"),
                Map.entry("type", "http"),
                Map.entry("secure", false),
                Map.entry("method", "GET"),
                Map.entry("domains", List.of(CID2)),
                Map.entry("paths", List.of("/shop/items")),
                Map.entry("source", "."),
                Map.entry("timeout", 10_000_000_000L),
                Map.entry("memory", 32_000_000L),
                Map.entry("call", "list")));
  }

  @Test
  void indexesMatchRegistry3_3() {
    String p = "branches/main/projects/" + PID;
    Map<String, Object> expected = new java.util.LinkedHashMap<>();
    expected.put(
        "wasm/project/" + PID + "/modules/functions/hello/links",
        List.of(p + "/functions/" + CID1));
    expected.put(
        "http/functions/com/example/tau/g/vt292gfu/links",
        List.of(p + "/functions/" + CID1, p + "/applications/" + APP + "/functions/" + CID5));
    expected.put(
        "wasm/project/" + PID + "/application/" + APP + "/modules/functions/list/links",
        List.of(p + "/applications/" + APP + "/functions/" + CID5));
    expected.put("projects/" + PID + "/users/links", List.of(p + "/databases/" + CID4));
    expected.put(
        "wasm/project/" + PID + "/modules/smartops/guard/links", List.of(p + "/smartops/" + CID3));
    expected.put("domains/com/example/tau/g/vt292gfu/links", null);
    assertThat(result.indexes()).containsExactlyEntriesOf(expected);
  }

  @Test
  void checksInIndexOrder() {
    assertThat(result.checks())
        .containsExactly(
            new Check("project_id", PID, "project_id", Map.of()),
            new Check("domain", "vt292gfu.g.tau.example.com", "dns", Map.of("project", PID)));
  }

  @Test
  void modelHoldsResolvedReferences() {
    Resource.Function hello = result.config().all(Resource.Function.class).get(0);
    assertThat(hello.domains()).containsExactly(CID2);
    assertThat(hello.identity().smartops()).containsExactly(CID3);
    assertThat(result.config().applications()).extracting(a -> a.name()).containsExactly("shop");
  }

  @Test
  void roundTripsThroughCompiledObject() {
    Map<String, Object> again = CompiledObject.encode(CompiledObject.decode(result.object()));
    assertThat(again).isEqualTo(result.object());
    assertThat(CompiledObject.decode(CompiledObject.encode(result.config())).resources())
        .isEqualTo(result.config().resources());
  }

  @Test
  void withoutCloudNoAccountOrPlan() {
    CompileResult r = new ConfigCompiler(CompileOptions.defaults()).compile(fixture("canonical"));
    assertThat(r.ok()).isTrue();
    assertThat(r.object()).doesNotContainKeys("account", "plan");
  }
}
