package io.jtau.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {

  static Resource.Function fn(String id, String name, String path) {
    return new Resource.Function(
        Identity.of(id, name),
        null,
        "https",
        null,
        null,
        null,
        null,
        "GET",
        null,
        List.of("d"),
        List.of(path),
        ".",
        1,
        1,
        name);
  }

  static Resource.Database db(String id, String name) {
    return new Resource.Database(
        Identity.of(id, name), null, name, null, false, null, 10, null, null);
  }

  static ProjectConfig config(List<Resource> rs) {
    return new ProjectConfig("p", "p", null, null, null, null, null, List.of(), rs);
  }

  @Test
  void listsAddedChangedAndRemovedResourcesWithChangedFields() {
    ProjectConfig before = config(List.of(fn("1", "ping", "/ping"), db("3", "old")));
    ProjectConfig after = config(List.of(fn("1", "ping", "/pong"), fn("2", "hello", "/hello")));
    assertThat(ConfigDiff.between(before, after))
        .extracting(Object::toString)
        .containsExactly("- database old", "+ function hello", "~ function ping (paths)");
    assertThat(ConfigDiff.between(null, before)).hasSize(2);
    assertThat(ConfigDiff.between(after, after)).isEmpty();
  }

  @Test
  void thePlanDoesNotDependOnDeclarationOrder() {
    List<Resource> rs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rs.add(fn("id" + i, "f" + i, "/p" + i));
    }
    ProjectConfig a = config(rs);
    List<Resource> shuffled = new ArrayList<>(rs);
    Collections.shuffle(shuffled, new java.util.Random(7));
    assertThat(ConfigDiff.between(null, config(shuffled))).isEqualTo(ConfigDiff.between(null, a));
  }
}
