package io.jtau.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ObjectStorageTest {

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private FileContentStore content;
  private ObjectStorage storage;

  @BeforeEach
  void open() throws IOException {
    content = new FileContentStore(dir.resolve("content"), clock, BlockWriter.CHANNEL);
    storage = new ObjectStorage(dir.resolve("objects"), content, clock);
    storage.configure("p1", "files", new ObjectStorage.BucketConfig(true, 1_000_000));
    storage.configure("p2", "files", new ObjectStorage.BucketConfig(true, 1_000_000));
  }

  @AfterEach
  void close() {
    storage.close();
    content.close();
  }

  @Test
  void put_get_list_delete() throws IOException {
    put("p1", "files", "docs/a.txt", "alpha");
    put("p1", "files", "docs/b.txt", "beta");
    put("p1", "files", "img/c.png", "gamma");

    assertThat(text(storage.get("p1", "files", "docs/a.txt"))).isEqualTo("alpha");
    assertThat(storage.list("p1", "files", "docs/"))
        .extracting(ObjectStorage.ObjectInfo::name)
        .containsExactly("docs/a.txt", "docs/b.txt");
    assertThat(storage.list("p1", "files", "")).hasSize(3);
    assertThat(storage.used("p1", "files")).isEqualTo(5 + 4 + 5);

    assertThat(storage.delete("p1", "files", "docs/a.txt")).isTrue();
    assertThat(storage.delete("p1", "files", "docs/a.txt")).isFalse();
    assertThatThrownBy(() -> storage.get("p1", "files", "docs/a.txt"))
        .isInstanceOf(FileNotFoundException.class);
    assertThat(storage.used("p1", "files")).isEqualTo(4 + 5);
  }

  @Test
  void versions_are_numbered_from_one_and_each_can_be_read() throws IOException {
    assertThat(put("p1", "files", "log", "v1").version()).isEqualTo(1);
    assertThat(put("p1", "files", "log", "v2").version()).isEqualTo(2);
    assertThat(put("p1", "files", "log", "v3").version()).isEqualTo(3);
    assertThat(storage.versions("p1", "files", "log"))
        .extracting(ObjectStorage.ObjectInfo::version)
        .containsExactly(1L, 2L, 3L);
    assertThat(text(storage.get("p1", "files", "log", 2))).isEqualTo("v2");
    assertThat(text(storage.get("p1", "files", "log"))).isEqualTo("v3");
    assertThat(storage.used("p1", "files")).isEqualTo(6);
  }

  @Test
  void without_versioning_a_put_replaces_and_frees_the_old_content() throws IOException {
    storage.configure("p1", "plain", new ObjectStorage.BucketConfig(false, 100));
    ObjectStorage.ObjectInfo first = put("p1", "plain", "f", "first");
    put("p1", "plain", "f", "second!");
    assertThat(storage.versions("p1", "plain", "f")).hasSize(1);
    assertThat(text(storage.get("p1", "plain", "f"))).isEqualTo("second!");
    assertThat(storage.used("p1", "plain")).isEqualTo(7);
    // the old content lost its pin and is collected
    clock.advance(Duration.ofHours(2));
    content.gc(Duration.ofHours(1));
    assertThat(content.has(first.cid())).isFalse();
    assertThat(text(storage.get("p1", "plain", "f"))).isEqualTo("second!");
  }

  @Test
  void content_is_pinned_by_each_object_version() throws IOException {
    ObjectStorage.ObjectInfo a = put("p1", "files", "a", "same bytes");
    put("p1", "files", "b", "same bytes");
    assertThat(content.owners(a.cid())).hasSize(2);
    storage.delete("p1", "files", "a");
    clock.advance(Duration.ofHours(2));
    content.gc(Duration.ofHours(1));
    assertThat(text(storage.get("p1", "files", "b"))).isEqualTo("same bytes");
  }

  @Test
  void quota_is_enforced_with_a_clear_error_and_nothing_recorded() throws IOException {
    storage.configure("p1", "small", new ObjectStorage.BucketConfig(true, 10));
    put("p1", "small", "a", "123456");
    assertThatThrownBy(() -> put("p1", "small", "b", "12345"))
        .isInstanceOf(StorageQuotaExceededException.class)
        .hasMessageContaining("storage p1/small is over its quota: quota 10 bytes, used 6 bytes");
    assertThat(storage.list("p1", "small", ""))
        .extracting(ObjectStorage.ObjectInfo::name)
        .containsExactly("a");
    assertThat(storage.used("p1", "small")).isEqualTo(6);
    put("p1", "small", "b", "1234"); // exactly fits
    assertThat(storage.used("p1", "small")).isEqualTo(10);
  }

  @Test
  void a_large_upload_over_quota_stops_early() throws IOException {
    storage.configure("p1", "small", new ObjectStorage.BucketConfig(true, 1000));
    InputStream endless = UnixFsTest.pattern(Long.MAX_VALUE);
    assertThatThrownBy(() -> storage.put("p1", "small", "big", endless))
        .isInstanceOf(StorageQuotaExceededException.class);
    assertThat(storage.used("p1", "small")).isZero();
  }

  @Test
  void an_unconfigured_storage_refuses_puts() {
    assertThatThrownBy(() -> put("p1", "nope", "a", "x"))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("p1/nope is not configured");
  }

  static Stream<String> hostileNames() {
    return Stream.of(
        "../p2/files/secret",
        "..",
        "%2e%2e/%2e%2e/secret",
        "a\u0000b",
        "\u0000",
        "/absolute",
        "dir\\..\\x",
        "x".repeat(ObjectStorage.MAX_NAME_BYTES));
  }

  @ParameterizedTest
  @MethodSource("hostileNames")
  void hostile_names_stay_inside_their_project(String hostile) throws IOException {
    put("p2", "files", "secret", "p2's secret");
    put("p1", "files", hostile, "p1 data");

    assertThat(text(storage.get("p1", "files", hostile))).isEqualTo("p1 data");
    assertThat(text(storage.get("p2", "files", "secret"))).isEqualTo("p2's secret");
    assertThat(storage.list("p2", "files", ""))
        .extracting(ObjectStorage.ObjectInfo::name)
        .containsExactly("secret");
    assertThat(storage.list("p1", "files", ""))
        .extracting(ObjectStorage.ObjectInfo::name)
        .containsExactly(hostile);
    assertThatThrownBy(() -> storage.get("p2", "files", hostile))
        .isInstanceOf(FileNotFoundException.class);
    // no object name ever becomes a file or folder
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.map(p -> dir.relativize(p).toString()))
          .allMatch(
              p ->
                  p.isEmpty()
                      || p.matches(
                          "content(/(blocks(/[a-z2-7]{2}(/b[a-z2-7]+)?)?|index(/.*)?|quarantine))?")
                      || p.matches("objects(/.*)?"));
    }
    try (Stream<Path> files = Files.walk(dir.resolve("objects"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.equals("objects") || n.endsWith(".xd") || n.equals("xd.lck"));
    }
  }

  @Test
  void ids_that_would_collide_when_concatenated_are_distinct_storages() throws IOException {
    storage.configure("ab", "c", new ObjectStorage.BucketConfig(true, 100));
    storage.configure("a", "bc", new ObjectStorage.BucketConfig(true, 100));
    storage.configure("a/b", "c", new ObjectStorage.BucketConfig(true, 100));
    storage.configure("a", "b/c", new ObjectStorage.BucketConfig(true, 100));
    put("ab", "c", "k", "1");
    put("a", "bc", "k", "2");
    put("a/b", "c", "k", "3");
    put("a", "b/c", "k", "4");
    assertThat(text(storage.get("ab", "c", "k"))).isEqualTo("1");
    assertThat(text(storage.get("a", "bc", "k"))).isEqualTo("2");
    assertThat(text(storage.get("a/b", "c", "k"))).isEqualTo("3");
    assertThat(text(storage.get("a", "b/c", "k"))).isEqualTo("4");
    assertThat(storage.versions("a", "bc", "k")).hasSize(1);
  }

  @Test
  void overwriting_the_same_name_in_another_project_leaves_the_first_alone() throws IOException {
    put("p1", "files", "shared-name", "mine");
    put("p2", "files", "shared-name", "theirs");
    storage.delete("p2", "files", "shared-name");
    assertThat(text(storage.get("p1", "files", "shared-name"))).isEqualTo("mine");
    assertThat(storage.versions("p1", "files", "shared-name")).hasSize(1);
  }

  @Test
  void names_too_long_or_malformed_are_refused() {
    assertThatThrownBy(() -> put("p1", "files", "x".repeat(ObjectStorage.MAX_NAME_BYTES + 1), "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> put("p1", "files", "", "a"))
        .isInstanceOf(IllegalArgumentException.class);
    // an unpaired surrogate would otherwise encode as '?' and collide with the name "?"
    assertThatThrownBy(() -> put("p1", "files", "\ud800", "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(storage.list("p1", "files", "")).isEmpty();
  }

  @Test
  void metadata_survives_reopen() throws IOException {
    put("p1", "files", "kept", "durable");
    storage.close();
    content.close();
    content = new FileContentStore(dir.resolve("content"), clock, BlockWriter.CHANNEL);
    storage = new ObjectStorage(dir.resolve("objects"), content, clock);
    assertThat(text(storage.get("p1", "files", "kept"))).isEqualTo("durable");
    assertThat(storage.config("p1", "files"))
        .contains(new ObjectStorage.BucketConfig(true, 1_000_000));
  }

  @Test
  void delete_project_removes_its_storages_objects_and_pins_and_nothing_else() throws IOException {
    storage.configure("p1", "plain", new ObjectStorage.BucketConfig(false, 1000));
    storage.configure("p1x", "files", new ObjectStorage.BucketConfig(true, 1000));
    put("p1", "files", "a.txt", "one");
    put("p1", "files", "a.txt", "two");
    put("p1", "plain", "b.txt", "three");
    put("p1x", "files", "a.txt", "kept");
    put("p2", "files", "a.txt", "also kept");
    assertThat(storage.projectIds()).containsExactly("p1", "p1x", "p2");

    assertThat(storage.deleteProject("p1")).isEqualTo(2);

    assertThat(storage.projectIds()).containsExactly("p1x", "p2");
    assertThat(storage.config("p1", "files")).isEmpty();
    assertThat(storage.stat("p1", "files", "a.txt")).isEmpty();
    assertThat(storage.versions("p1", "files", "a.txt")).isEmpty();
    assertThat(storage.list("p1", "plain", "")).isEmpty();
    assertThat(content.pins("storage:p1/")).isEmpty();
    assertThat(text(storage.get("p1x", "files", "a.txt"))).isEqualTo("kept");
    assertThat(text(storage.get("p2", "files", "a.txt"))).isEqualTo("also kept");
    assertThat(content.pins("storage:p1x/")).hasSize(1);
    assertThat(storage.deleteProject("p1")).as("idempotent").isZero();

    // A re-created storage starts empty, at version 1.
    storage.configure("p1", "files", new ObjectStorage.BucketConfig(true, 1000));
    assertThat(storage.used("p1", "files")).isZero();
    assertThat(put("p1", "files", "a.txt", "again").version()).isEqualTo(1);
  }

  @Test
  void delete_project_survives_a_reopen_and_gc_reclaims_the_content() throws IOException {
    ObjectStorage.ObjectInfo gone = put("p1", "files", "a.txt", "wiped away");
    ObjectStorage.ObjectInfo kept = put("p2", "files", "a.txt", "stays here");
    storage.deleteProject("p1");
    storage.close();
    storage = new ObjectStorage(dir.resolve("objects"), content, clock);
    assertThat(storage.projectIds()).containsExactly("p2");
    clock.advance(Duration.ofHours(2));
    content.gc(Duration.ofHours(1));
    assertThat(content.has(gone.cid())).isFalse();
    assertThat(content.has(kept.cid())).isTrue();
  }

  private ObjectStorage.ObjectInfo put(String p, String s, String n, String body)
      throws IOException {
    return storage.put(p, s, n, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
