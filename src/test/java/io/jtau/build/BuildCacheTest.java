package io.jtau.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.Cid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build cache's bound: least recently used entries leave first and are reported. */
class BuildCacheTest {

  @TempDir Path dir;

  static final Cid A = new Cid("bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa");
  static final Cid B = new Cid("bafybeidqnk6czrgcaydbxw54tf2qpjmd5pcefpeoudytygrbukfoaawo4i");
  static final Cid C = new Cid("bafybeidv23lyayv4rdysncmjvqh3w46dysaruzqnkageemmc5xu2sywrya");

  @Test
  void evictsTheLeastRecentlyUsedAndReportsIt() {
    List<String> evicted = new ArrayList<>();
    try (BuildCache cache = new BuildCache(dir, 2, (h, c) -> evicted.add(h + "=" + c.value()))) {
      cache.put("a", A);
      cache.put("b", B);
      assertThat(cache.get("a")).contains(A); // a is now more recent than b
      cache.put("c", C);

      assertThat(evicted).containsExactly("b=" + B.value());
      assertThat(cache.get("b")).isEmpty();
      assertThat(cache.get("a")).contains(A);
      assertThat(cache.get("c")).contains(C);
      assertThat(cache.size()).isEqualTo(2);
    }
  }

  @Test
  void theBoundAndRecencySurviveARestart() {
    List<String> evicted = new ArrayList<>();
    try (BuildCache cache = new BuildCache(dir, 2, (h, c) -> evicted.add(h))) {
      cache.put("a", A);
      cache.put("b", B);
      cache.get("a");
    }
    try (BuildCache cache = new BuildCache(dir, 2, (h, c) -> evicted.add(h))) {
      cache.put("c", C);
      assertThat(evicted).containsExactly("b");
    }
  }

  @Test
  void storingTheSameHashAgainEvictsNothing() {
    List<String> evicted = new ArrayList<>();
    try (BuildCache cache = new BuildCache(dir, 1, (h, c) -> evicted.add(h))) {
      cache.put("a", A);
      cache.put("a", A);
      assertThat(evicted).isEmpty();
      assertThat(cache.get("a")).contains(A);
    }
  }

  @Test
  void aBoundBelowOneIsRefused() {
    assertThatThrownBy(() -> new BuildCache(dir, 0, (h, c) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEntries");
  }
}
