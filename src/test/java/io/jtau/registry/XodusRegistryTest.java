package io.jtau.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.port.Registry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XodusRegistryTest {

  @TempDir Path dir;
  final ProjectKey key = new ProjectKey("hello", "main");

  static Snapshot snapshot(ProjectKey key, String config, String code, String body) {
    ProjectConfig cfg =
        new ProjectConfig(
            "QmProject",
            "hello",
            body,
            null,
            null,
            null,
            null,
            List.of(),
            List.of(
                new Resource.Function(
                    Identity.of("QmFn", "ping"),
                    null,
                    "https",
                    null,
                    null,
                    null,
                    null,
                    "GET",
                    null,
                    List.of("QmDom"),
                    List.of("/ping"),
                    ".",
                    1_000_000_000L,
                    1 << 20,
                    "ping"),
                new Resource.Domain(
                    Identity.of("QmDom", "d"), null, "x.g.dream.localhost", "auto", null, null)));
    return new Snapshot(
        key,
        Snapshot.revisionOf(config, code),
        config,
        code,
        1L,
        cfg,
        Map.of("/QmFn", "bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa"),
        Map.of("id", "QmProject"),
        List.of());
  }

  @Test
  void publishMakesCurrentAndKeepsHistoryNewestFirst() {
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      assertThat(r.current(key)).isEmpty();
      r.publish(snapshot(key, "c1", "k1", "one"));
      r.publish(snapshot(key, "c2", "k1", "two"));
      assertThat(r.current(key).orElseThrow().revision()).isEqualTo("c2+k1");
      assertThat(r.current(key).orElseThrow().config().description()).isEqualTo("two");
      assertThat(r.history(key, 10))
          .extracting(h -> h.revision())
          .containsExactly("c2+k1", "c1+k1");
      assertThat(r.history(key, 1)).hasSize(1);
      assertThat(r.keys()).containsExactly(key);
    }
  }

  @Test
  void stateSurvivesReopenAndResourcesRoundTrip() {
    Snapshot s = snapshot(key, "c1", "k1", "one");
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      r.publish(s);
    }
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      Snapshot back = r.current(key).orElseThrow();
      assertThat(back).isEqualTo(s);
      assertThat(back.config().all(Resource.Function.class).get(0).paths())
          .containsExactly("/ping");
    }
  }

  @Test
  void anOlderRevisionOnlyComesBackByAnExplicitRollback() {
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      r.publish(snapshot(key, "c1", "k1", "one"));
      r.publish(snapshot(key, "c2", "k1", "two"));
      Snapshot old = r.snapshot(key, "c1+k1").orElseThrow();
      assertThat(r.publish(old, "c2+k1")).isEqualTo(Registry.Publication.OLDER_THAN_CURRENT);
      assertThatThrownBy(() -> r.publish(old))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("c1+k1");
      assertThat(r.current(key).orElseThrow().config().description()).isEqualTo("two");
      assertThat(r.rollback(key, "c1+k1", "c2+k1")).contains(Registry.Publication.PUBLISHED);
      assertThat(r.current(key).orElseThrow().config().description()).isEqualTo("one");
      assertThat(r.history(key, 10))
          .extracting(h -> h.revision())
          .containsExactly("c1+k1", "c2+k1", "c1+k1");
    }
  }

  @Test
  void keepsOnlyTheNewestSnapshotsButNeverTheCurrent() {
    try (XodusRegistry r = new XodusRegistry(dir, 2)) {
      for (int i = 1; i <= 5; i++) {
        r.publish(snapshot(key, "c" + i, "", "v" + i));
      }
      assertThat(r.snapshot(key, "c5")).isPresent();
      assertThat(r.snapshot(key, "c4")).isPresent();
      assertThat(r.snapshot(key, "c3")).isEmpty();
      assertThat(r.snapshot(key, "c1")).isEmpty();
      assertThat(r.history(key, 100)).hasSize(5);
    }
  }

  @Test
  void keysOfOtherProjectsAndBranchesAreSeparate() {
    ProjectKey dev = new ProjectKey("hello", "dev");
    ProjectKey other = new ProjectKey("hello2", "main");
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      r.publish(snapshot(key, "c1", "", "main"));
      r.publish(snapshot(dev, "d1", "", "dev"));
      r.publish(snapshot(other, "o1", "", "other"));
      assertThat(r.current(dev).orElseThrow().config().description()).isEqualTo("dev");
      assertThat(r.history(key, 10)).hasSize(1);
      assertThat(r.history(other, 10)).hasSize(1);
      assertThat(r.keys()).containsExactlyInAnyOrder(key, dev, other);
    }
  }

  static Snapshot withIndexes(Snapshot s, Map<String, Object> indexes) {
    return new Snapshot(
        s.key(),
        s.revision(),
        s.configCommit(),
        s.codeCommit(),
        s.createdAtMillis(),
        s.config(),
        s.assets(),
        Snapshot.compiledView(Map.of("id", "QmProject"), indexes),
        s.warnings());
  }

  @Test
  void compareAndSetRefusesARunThatSawAnotherCurrent() {
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      assertThat(r.publish(snapshot(key, "c1", "", "one"), "c0"))
          .isEqualTo(Registry.Publication.CONFLICT);
      assertThat(r.current(key)).isEmpty();
      assertThat(r.publish(snapshot(key, "c1", "", "one"), null))
          .isEqualTo(Registry.Publication.PUBLISHED);
      // Two runs both started from c1; the one for c3 finishes first, the late c2 is refused.
      assertThat(r.publish(snapshot(key, "c3", "", "three"), "c1"))
          .isEqualTo(Registry.Publication.PUBLISHED);
      assertThat(r.publish(snapshot(key, "c2", "", "two"), "c1"))
          .isEqualTo(Registry.Publication.CONFLICT);
      assertThat(r.current(key).orElseThrow().revision()).isEqualTo("c3");
      assertThat(r.snapshot(key, "c2")).as("nothing of a refused publication is stored").isEmpty();
      assertThat(r.publish(snapshot(key, "c3", "", "three"), "c3"))
          .isEqualTo(Registry.Publication.ALREADY_CURRENT);
      assertThat(r.history(key, 10)).extracting(h -> h.revision()).containsExactly("c3", "c1");
    }
  }

  @Test
  void aPrunedRevisionComesBackOnlyThroughRollbackWithTheRebuiltSnapshot() {
    try (XodusRegistry r = new XodusRegistry(dir, 1)) {
      r.publish(snapshot(key, "c1", "", "one"));
      r.publish(snapshot(key, "c2", "", "two"));
      assertThat(r.snapshot(key, "c1")).isEmpty();
      assertThat(r.rollback(key, "c1", "c2")).isEmpty();
      Snapshot rebuilt = snapshot(key, "c1", "", "one");
      assertThat(r.publish(rebuilt, "c2")).isEqualTo(Registry.Publication.OLDER_THAN_CURRENT);
      assertThat(r.rollback(rebuilt, "c2")).isEqualTo(Registry.Publication.PUBLISHED);
      assertThat(r.current(key).orElseThrow().config().description()).isEqualTo("one");
    }
  }

  @Test
  void compiledObjectAndIndexesRoundTripIncludingTheNullDomainMarker() {
    Map<String, Object> indexes = new java.util.LinkedHashMap<>();
    indexes.put(
        "http/functions/com/example/www/links", List.of("branches/main/projects/P/functions/F"));
    indexes.put("domains/com/example/www/links", null);
    Snapshot s = withIndexes(snapshot(key, "c1", "", "one"), indexes);
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      r.publish(s);
    }
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      Snapshot back = r.current(key).orElseThrow();
      assertThat(back.indexes()).containsEntry("domains/com/example/www/links", null);
      assertThat(back.indexes())
          .containsEntry(
              "http/functions/com/example/www/links",
              List.of("branches/main/projects/P/functions/F"));
      assertThat(back.compiled().get(Snapshot.COMPILED_OBJECT))
          .isEqualTo(Map.of("id", "QmProject"));
      assertThat(r.links("domains/com/example/www/links")).containsOnlyKeys(key);
    }
  }

  @Test
  void linksAreReplacedOnlyWithinTheWritersOwnKey() {
    ProjectKey dev = new ProjectKey("hello", "dev");
    ProjectKey other = new ProjectKey("other", "main");
    String host = "http/functions/com/example/www/links";
    String gone = "wasm/project/P/modules/functions/old/links";
    try (XodusRegistry r = new XodusRegistry(dir, 10)) {
      r.publish(
          withIndexes(
              snapshot(key, "c1", "", "one"),
              Map.of(host, List.of("main-iv"), gone, List.of("x"))));
      r.publish(withIndexes(snapshot(dev, "d1", "", "dev"), Map.of(host, List.of("dev-iv"))));
      r.publish(withIndexes(snapshot(other, "o1", "", "o"), Map.of(host, List.of("other-iv"))));
      assertThat(r.links(host))
          .containsEntry(key, List.of("main-iv"))
          .containsEntry(dev, List.of("dev-iv"))
          .containsEntry(other, List.of("other-iv"));

      // The next commit of hello@main drops one bucket and changes the other: only its own links
      // move.
      r.publish(withIndexes(snapshot(key, "c2", "", "two"), Map.of(host, List.of("main-iv2"))));
      assertThat(r.links(gone))
          .as("a bucket the new compile no longer produces is deleted")
          .isEmpty();
      assertThat(r.links(host))
          .containsEntry(key, List.of("main-iv2"))
          .containsEntry(dev, List.of("dev-iv"))
          .containsEntry(other, List.of("other-iv"));

      // A rollback brings the old links back, atomically with current.
      r.rollback(key, "c1", "c2");
      assertThat(r.links(gone)).containsEntry(key, List.of("x"));
    }
  }

  @Test
  void historyIsReadFromTheNewestEndOfEachKeyOnly() {
    // Keys that sort first, in the middle and last in the store, with entries interleaved.
    ProjectKey first = new ProjectKey("a", "main");
    ProjectKey middle = new ProjectKey("hello", "main");
    ProjectKey near = new ProjectKey("hello", "main2");
    ProjectKey last = new ProjectKey("zz", "main");
    try (XodusRegistry r = new XodusRegistry(dir, 3)) {
      for (int i = 1; i <= 30; i++) {
        for (ProjectKey k : List.of(first, middle, near, last)) {
          r.publish(snapshot(k, k.project() + k.branch() + i, "", "v" + i));
        }
      }
      for (ProjectKey k : List.of(first, middle, near, last)) {
        String p = k.project() + k.branch();
        assertThat(r.history(k, 3))
            .extracting(h -> h.revision())
            .containsExactly(p + 30, p + 29, p + 28);
        assertThat(r.history(k, 1000)).hasSize(30);
        assertThat(r.storedRevisions(k)).containsExactlyInAnyOrder(p + 30, p + 29, p + 28);
      }
    }
  }

  @Test
  void aLoweredRetentionIsSettledByTheFirstPublishAfterReopen() {
    try (XodusRegistry r = new XodusRegistry(dir, 20)) {
      for (int i = 1; i <= 40; i++) {
        r.publish(snapshot(key, "c" + i, "", "v" + i));
      }
      assertThat(r.storedRevisions(key)).hasSize(20);
    }
    try (XodusRegistry r = new XodusRegistry(dir, 2)) {
      r.publish(snapshot(key, "c41", "", "v41"));
      assertThat(r.storedRevisions(key)).containsExactlyInAnyOrder("c41", "c40");
      for (int i = 42; i <= 60; i++) {
        r.publish(snapshot(key, "c" + i, "", "v" + i));
        assertThat(r.storedRevisions(key)).hasSize(2);
      }
      // A rollback to a kept revision keeps two distinct revisions stored.
      assertThat(r.rollback(key, "c59", "c60")).contains(Registry.Publication.PUBLISHED);
      assertThat(r.storedRevisions(key)).containsExactlyInAnyOrder("c59", "c60");
    }
  }
}
