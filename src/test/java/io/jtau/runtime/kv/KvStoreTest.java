package io.jtau.runtime.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvStoreTest {

  @TempDir Path dir;
  KvStore kv;

  @BeforeEach
  void open() throws IOException {
    kv = new KvStore(dir, KvStore.Settings.defaults());
  }

  @AfterEach
  void close() {
    kv.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<String> strings(List<byte[]> keys) {
    List<String> out = new ArrayList<>();
    keys.forEach(k -> out.add(new String(k, StandardCharsets.UTF_8)));
    return out;
  }

  static DatabaseId id(String owner, String name) {
    return new DatabaseId(owner, "", "QmDb", name);
  }

  @Test
  void put_get_delete_and_prefix_listing_hide_the_size_entries() throws IOException {
    KvDatabase db = kv.open(id("p", "/basic/v1"), 1 << 20);
    db.put(b("test"), b("DatabaseTest"));
    db.put(b("test/1"), b("DatabaseTest"));
    db.put(b("test/2s"), b("DatabaseTest"));
    assertThat(db.get(b("test"))).asString().isEqualTo("DatabaseTest");
    db.delete(b("test"));
    assertThat(db.get(b("test"))).isNull();
    assertThat(strings(db.list(b("")))).containsExactly("test/1", "test/2s");
    assertThat(strings(db.list(b("test")))).containsExactly("test/1", "test/2s");
    assertThat(strings(db.list(b("/size")))).isEmpty();
    assertThat(strings(db.list(b("test/2")))).containsExactly("test/2s");
    assertThat(strings(db.list(b(""), 1))).containsExactly("test/1");
    db.delete(b("absent"));
    db.put(b("empty"), new byte[0]);
    assertThat(db.get(b("empty"))).isEmpty();
  }

  @Test
  void keys_are_opaque_bytes_never_paths() throws IOException {
    KvDatabase db = kv.open(id("p", "x"), 1 << 20);
    byte[][] keys = {
      b("../other"),
      b("a/../b"),
      b("a//b"),
      b("a/b"),
      b("/a/b"),
      new byte[] {0, 1, 2},
      new byte[] {(byte) 0xff, (byte) 0xfe},
      b("size/a/b"),
      b("/size/a/b"),
      b("")
    };
    for (int i = 0; i < keys.length; i++) {
      db.put(keys[i], new byte[] {(byte) i});
    }
    for (int i = 0; i < keys.length; i++) {
      assertThat(db.get(keys[i])).as("key %d", i).containsExactly((byte) i);
    }
    assertThat(db.list(new byte[0])).hasSize(keys.length);
    assertThat(db.usage().keys()).isEqualTo(keys.length);
  }

  @Test
  void quota_counts_keys_and_values_and_refuses_with_a_clear_error() throws IOException {
    KvDatabase db = kv.open(id("p", "small"), 20);
    db.put(b("k1"), b("12345678")); // 10 bytes
    db.put(b("k2"), b("12345678")); // 20 bytes: exactly full
    assertThat(db.usage().usedBytes()).isEqualTo(20);
    assertThatThrownBy(() -> db.put(b("k3"), b("x")))
        .isInstanceOf(DatabaseFullException.class)
        .hasMessage(
            "database small is full: quota 20 bytes, used 20 bytes, this put needs 3 more (keys"
                + " and values both count)");
    assertThat(db.get(b("k3"))).isNull();
    assertThatThrownBy(() -> db.put(b("k1"), b("123456789")))
        .isInstanceOf(DatabaseFullException.class);
    assertThat(db.get(b("k1"))).asString().isEqualTo("12345678");
    db.put(b("k1"), b("1")); // shrinking always works
    assertThat(db.usage().usedBytes()).isEqualTo(13);
    db.delete(b("k2"));
    assertThat(db.usage().usedBytes()).isEqualTo(3);
    db.put(b("k3"), b("123456789012345")); // 17 bytes: 20 in all
    assertThat(db.usage()).isEqualTo(new KvStore.Usage(20, 20, 2));
  }

  @Test
  void a_lowered_quota_applies_on_next_open_and_shrinking_puts_still_work() throws IOException {
    kv.open(id("p", "q"), 100).put(b("k"), b("0123456789"));
    KvDatabase db = kv.open(id("p", "q"), 5);
    assertThat(db.usage().quotaBytes()).isEqualTo(5);
    assertThatThrownBy(() -> db.put(b("j"), b("x"))).isInstanceOf(DatabaseFullException.class);
    db.put(b("k"), b("0"));
    assertThat(db.get(b("k"))).asString().isEqualTo("0");
  }

  @Test
  void databases_with_equal_names_of_different_owners_or_resources_are_separate()
      throws IOException {
    KvDatabase a = kv.open(id("project-a", "users"), 1000);
    KvDatabase b = kv.open(id("project-b", "users"), 1000);
    KvDatabase c = kv.open(new DatabaseId("project-a", "", "QmOther", "users"), 1000);
    KvDatabase d = kv.open(new DatabaseId("project-a", "QmApp", "QmDb", "users"), 1000);
    a.put(b("k"), b("a"));
    assertThat(b.get(b("k"))).isNull();
    assertThat(c.get(b("k"))).isNull();
    assertThat(d.get(b("k"))).isNull();
    assertThat(b.list(b(""))).isEmpty();
    // a name crafted to look like another's parts maps to a different store
    assertThat(new DatabaseId("a\nb", "", "c", "d").storeName())
        .isNotEqualTo(new DatabaseId("a", "b", "c", "d").storeName());
  }

  @Test
  void data_survives_a_reopen_and_drop_removes_it() throws IOException {
    kv.open(id("p", "keep"), 1000).put(b("k"), b("v"));
    kv.close();
    kv = new KvStore(dir, KvStore.Settings.defaults());
    assertThat(kv.exists(id("p", "keep"))).isTrue();
    KvDatabase db = kv.open(id("p", "keep"), 1000);
    assertThat(db.get(b("k"))).asString().isEqualTo("v");
    assertThat(db.usage().usedBytes()).isEqualTo(2);
    kv.drop(id("p", "keep"));
    assertThat(kv.exists(id("p", "keep"))).isFalse();
    assertThat(kv.open(id("p", "keep"), 1000).get(b("k"))).isNull();
  }

  @Test
  void drop_owner_removes_every_database_of_that_owner_and_no_other() throws IOException {
    // "kv\nA" is a prefix of "kv\nAB": the length-delimited index keeps them apart.
    kv.open(id("kv\nA", "visits"), 1000).put(b("count"), b("2"));
    kv.open(new DatabaseId("kv\nA", "app", "QmDb2", "other"), 1000).put(b("k"), b("v"));
    kv.open(DatabaseId.globals("kv\nA"), 1000).put(b("g"), b("1"));
    kv.open(id("kv\nAB", "visits"), 1000).put(b("count"), b("7"));
    kv.open(id("mine\nA", "visits"), 1000).put(b("count"), b("9"));
    assertThat(kv.owners()).containsExactly("kv\nA", "kv\nAB", "mine\nA");

    assertThat(kv.dropOwner("kv\nA")).isEqualTo(3);

    assertThat(kv.exists(id("kv\nA", "visits"))).isFalse();
    assertThat(kv.exists(DatabaseId.globals("kv\nA"))).isFalse();
    assertThat(kv.open(id("kv\nA", "visits"), 1000).get(b("count"))).isNull();
    assertThat(kv.open(id("kv\nAB", "visits"), 1000).get(b("count"))).asString().isEqualTo("7");
    assertThat(kv.open(id("mine\nA", "visits"), 1000).get(b("count"))).asString().isEqualTo("9");
    assertThat(kv.dropOwner("nobody")).isZero();
  }

  @Test
  void the_owner_index_is_durable_across_a_reopen_and_follows_drop() throws IOException {
    kv.open(id("a", "one"), 1000).put(b("k"), b("v"));
    kv.open(id("a", "two"), 1000).put(b("k"), b("v"));
    kv.open(id("b", "one"), 1000).put(b("k"), b("v"));
    kv.drop(id("a", "two"));
    kv.close();
    kv = new KvStore(dir, KvStore.Settings.defaults());

    assertThat(kv.owners()).containsExactly("a", "b");
    assertThat(kv.dropOwner("a")).as("a/two was dropped before").isEqualTo(1);
    assertThat(kv.owners()).containsExactly("b");
    kv.close();
    kv = new KvStore(dir, KvStore.Settings.defaults());
    assertThat(kv.owners()).containsExactly("b");
    assertThat(kv.exists(id("a", "one"))).isFalse();
    assertThat(kv.open(id("b", "one"), 1000).get(b("k"))).asString().isEqualTo("v");
  }

  @Test
  void a_database_missing_from_the_owner_index_is_indexed_when_opened() throws Exception {
    // A store written before the index existed: catalog entry and data, no owner entry.
    kv.open(id("old", "db"), 1000).put(b("k"), b("v"));
    kv.close();
    try (var env = jetbrains.exodus.env.Environments.newInstance(dir.toFile())) {
      env.executeInTransaction(
          txn ->
              env.openStore("owners", jetbrains.exodus.env.StoreConfig.WITHOUT_DUPLICATES, txn)
                  .delete(txn, ownerEntry(env, txn)));
    }
    kv = new KvStore(dir, KvStore.Settings.defaults());
    assertThat(kv.owners()).isEmpty();
    assertThat(kv.dropOwner("old")).as("not found until opened").isZero();

    assertThat(kv.open(id("old", "db"), 1000).get(b("k"))).asString().isEqualTo("v");
    assertThat(kv.owners()).containsExactly("old");
    assertThat(kv.dropOwner("old")).isEqualTo(1);
    assertThat(kv.exists(id("old", "db"))).isFalse();
  }

  /** The single key of the owners store. */
  private static jetbrains.exodus.ByteIterable ownerEntry(
      jetbrains.exodus.env.Environment env, jetbrains.exodus.env.Transaction txn) {
    var store = env.openStore("owners", jetbrains.exodus.env.StoreConfig.WITHOUT_DUPLICATES, txn);
    try (var c = store.openCursor(txn)) {
      assertThat(c.getNext()).isTrue();
      return new jetbrains.exodus.ArrayByteIterable(
          java.util.Arrays.copyOf(c.getKey().getBytesUnsafe(), c.getKey().getLength()));
    }
  }

  @Test
  void data_written_with_xodus_default_page_size_reads_and_changes_after_the_switch()
      throws IOException {
    // Stores written before the page size was lowered from Xodus' default (128) to 32.
    kv.close();
    kv = new KvStore(dir, KvStore.Settings.defaults(), 128);
    KvDatabase old = kv.open(id("p", "pages"), Long.MAX_VALUE);
    for (int i = 0; i < 2000; i++) {
      old.put(b("key/" + i), b("old-" + i));
    }
    kv.close();
    kv = new KvStore(dir, KvStore.Settings.defaults());
    KvDatabase db = kv.open(id("p", "pages"), Long.MAX_VALUE);
    for (int i = 0; i < 2000; i++) {
      assertThat(db.get(b("key/" + i))).as("key %d", i).asString().isEqualTo("old-" + i);
    }
    for (int i = 0; i < 2000; i += 2) {
      db.put(b("key/" + i), b("new-" + i));
    }
    for (int i = 1; i < 2000; i += 4) {
      db.delete(b("key/" + i));
    }
    kv.close();
    kv = new KvStore(dir, KvStore.Settings.defaults());
    db = kv.open(id("p", "pages"), Long.MAX_VALUE);
    for (int i = 0; i < 2000; i++) {
      String want = i % 2 == 0 ? "new-" + i : i % 4 == 1 ? null : "old-" + i;
      byte[] got = db.get(b("key/" + i));
      assertThat(got == null ? null : new String(got, StandardCharsets.UTF_8))
          .as("key %d", i)
          .isEqualTo(want);
    }
    assertThat(db.list(b("key/"), 5000)).hasSize(1500);
    assertThat(db.usage().keys()).isEqualTo(1500);
  }

  @Test
  void bad_inputs_are_refused_with_their_limits() throws IOException {
    KvDatabase db = kv.open(id("p", "limits"), Long.MAX_VALUE);
    assertThatThrownBy(() -> db.put(new byte[KvStore.MAX_KEY_BYTES + 1], b("v")))
        .isInstanceOf(IOException.class)
        .hasMessage("key of 4097 bytes is over the limit of 4096");
    assertThatThrownBy(() -> db.put(b("k"), new byte[KvStore.MAX_VALUE_BYTES + 1]))
        .hasMessage("value of 16777217 bytes is over the limit of 16777216");
    assertThatThrownBy(() -> kv.open(id("p", "neg"), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quota must not be negative: -1");
    assertThatThrownBy(() -> new DatabaseId("", "", "r", "n"))
        .hasMessage("database owner is empty");
  }

  @Test
  void concurrent_writers_share_commits() throws Exception {
    KvDatabase db = kv.open(id("p", "group"), Long.MAX_VALUE);
    long commitsBefore = kv.commits();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int writer = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    db.put(b(writer + "/" + i), b("v" + i));
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(db.usage().keys()).isEqualTo(800);
    assertThat(db.get(b("15/49"))).asString().isEqualTo("v49");
    assertThat(kv.commits() - commitsBefore).as("transactions for 800 puts").isLessThan(800);
  }

  @Test
  void a_refused_put_does_not_fail_the_others_of_its_batch() throws Exception {
    KvDatabase full = kv.open(id("p", "full"), 0);
    KvDatabase ok = kv.open(id("p", "ok"), 1 << 20);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        int n = i;
        fs.add(
            pool.submit(
                () -> {
                  try {
                    (n % 2 == 0 ? full : ok).put(b("k" + n), b("v"));
                    return true;
                  } catch (DatabaseFullException e) {
                    return false;
                  }
                }));
      }
      for (int i = 0; i < 64; i++) {
        assertThat(fs.get(i).get(60, TimeUnit.SECONDS)).as("put %d", i).isEqualTo(i % 2 == 1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(ok.usage().keys()).isEqualTo(32);
    assertThat(full.usage().keys()).isZero();
  }

  @Test
  void writes_after_close_are_refused() throws IOException {
    KvDatabase db = kv.open(id("p", "closed"), 100);
    kv.close();
    assertThatThrownBy(() -> db.put(b("k"), b("v")))
        .isInstanceOf(IOException.class)
        .hasMessage("key/value store is closed");
  }
}
