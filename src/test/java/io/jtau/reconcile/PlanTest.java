package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Application;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Plan and diff are pure: tables for the rules, random configs for the properties. */
class PlanTest {

  static Resource.Function fn(String id, String app, String name, String path, String... domains) {
    return new Resource.Function(
        Identity.of(id, name),
        app,
        "https",
        null,
        null,
        null,
        null,
        "GET",
        null,
        List.of(domains),
        List.of(path),
        ".",
        1,
        1,
        name);
  }

  static Resource.Domain domain(String id, String app, String name, String fqdn) {
    return new Resource.Domain(Identity.of(id, name), app, fqdn, "auto", null, null);
  }

  static Resource.Database db(String id, String app, String name) {
    return new Resource.Database(
        Identity.of(id, name), app, name, null, false, null, 10, null, null);
  }

  static Resource.Library lib(String id, String name) {
    return new Resource.Library(Identity.of(id, name), null, "/", "main", "github", "1", "r");
  }

  static ProjectConfig config(List<Resource> rs) {
    return new ProjectConfig(
        "p",
        "p",
        null,
        null,
        null,
        null,
        null,
        List.of(new Application("A", "shop", null, null)),
        rs);
  }

  static Stream<Arguments> table() {
    Resource d = domain("D", null, "web", "a.example.com");
    Resource f = fn("F", null, "ping", "/ping", "D");
    return Stream.of(
        Arguments.of(
            "nothing to something, in waves",
            List.of(),
            List.of(f, d, db("B", null, "users"), lib("L", "lib")),
            List.of(
                "+ domain web",
                "+ database users",
                "+ library lib",
                "+ function ping",
                "+ route GET a.example.com/ping -> ping")),
        Arguments.of("no change", List.of(f, d), List.of(d, f), List.of()),
        Arguments.of(
            "deletes in reverse waves",
            List.of(f, d, db("B", null, "users")),
            List.of(),
            List.of(
                "- route GET a.example.com/ping -> ping",
                "- function ping",
                "- database users",
                "- domain web")),
        Arguments.of(
            "changed path",
            List.of(f, d),
            List.of(fn("F", null, "ping", "/pong", "D"), d),
            List.of(
                "~ function ping (paths)",
                "+ route GET a.example.com/pong -> ping",
                "- route GET a.example.com/ping -> ping")),
        Arguments.of(
            "renamed file keeps the id",
            List.of(d),
            List.of(domain("D", null, "site", "a.example.com")),
            List.of("~ domain site (name)")),
        Arguments.of(
            "application scope is named",
            List.of(),
            List.of(db("B", "A", "orders")),
            List.of("+ database orders (application shop)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void planLines(String name, List<Resource> before, List<Resource> after, List<String> lines) {
    assertThat(Plan.between(config(before), config(after)).lines())
        .containsExactlyElementsOf(lines);
  }

  /** A random config drawn from a fixed pool, so two draws overlap, differ and change fields. */
  static List<Resource> random(Random rnd) {
    List<Resource> out = new ArrayList<>();
    int domains = 1 + rnd.nextInt(3);
    for (int i = 0; i < domains; i++) {
      out.add(domain("D" + i, null, "d" + i, "h" + rnd.nextInt(3) + ".example.com"));
    }
    for (int i = 0; i < 12; i++) {
      if (rnd.nextInt(3) == 0) {
        continue;
      }
      String app = rnd.nextBoolean() ? null : "A";
      switch (i % 3) {
        case 0 ->
            out.add(fn("F" + i, app, "f" + i, "/p" + rnd.nextInt(3), "D" + rnd.nextInt(domains)));
        case 1 -> out.add(db("B" + i, app, "db" + i + (rnd.nextBoolean() ? "" : "x")));
        default -> out.add(lib("L" + i, "lib" + i));
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void planDoesNotDependOnFileOrderAndApplyingItLeavesAnEmptyDiff(int seed) {
    Random rnd = new Random(seed);
    for (int round = 0; round < 50; round++) {
      List<Resource> before = random(rnd);
      List<Resource> after = random(rnd);
      Plan plan = Plan.between(config(before), config(after));

      List<Resource> shuffledBefore = new ArrayList<>(before);
      List<Resource> shuffledAfter = new ArrayList<>(after);
      Collections.shuffle(shuffledBefore, rnd);
      Collections.shuffle(shuffledAfter, rnd);
      assertThat(Plan.between(config(shuffledBefore), config(shuffledAfter))).isEqualTo(plan);

      Inventory applied = Inventory.of(config(before)).apply(plan);
      assertThat(applied).isEqualTo(Inventory.of(config(after)));
      assertThat(Plan.between(applied, Inventory.of(config(after))).isEmpty()).isTrue();

      Inventory previous = Inventory.of(config(before));
      for (Plan.Action d : plan.deletes()) {
        assertThat(previous.entries()).as("prune only removes what was owned").containsKey(d.ref());
      }
      assertWaveOrder(plan);
    }
  }

  private static void assertWaveOrder(Plan plan) {
    Inventory.Wave last = null;
    boolean inDeletes = false;
    for (Plan.Action a : plan.actions()) {
      if (a.op() == Plan.Op.DELETE) {
        if (!inDeletes) {
          inDeletes = true;
          last = null;
        }
        if (last != null) {
          assertThat(a.wave()).isLessThanOrEqualTo(last);
        }
      } else {
        assertThat(inDeletes).as("creates and updates come before deletes").isFalse();
        if (last != null) {
          assertThat(a.wave()).isGreaterThanOrEqualTo(last);
        }
      }
      last = a.wave();
    }
  }
}
