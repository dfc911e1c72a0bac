package io.jtau.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.Cid;
import io.jtau.port.ContentStore.CorruptContentException;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileContentStoreTest {

  private static final int CHUNK = UnixFs.CHUNK_SIZE;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private FileContentStore store;

  @BeforeEach
  void open() throws IOException {
    store = new FileContentStore(dir, clock, BlockWriter.CHANNEL);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void put_returns_the_ipfs_cid_and_reads_back() throws IOException {
    Cid cid = store.put("Hello, world".getBytes(StandardCharsets.UTF_8));
    assertThat(cid.value())
        .isEqualTo("bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa");
    assertThat(new String(store.read(cid), StandardCharsets.UTF_8)).isEqualTo("Hello, world");
    assertThat(store.has(cid)).isTrue();
    assertThat(store.size(cid)).isEqualTo(12);
    assertThat(Files.exists(dir.resolve("blocks/aa/" + cid.value()))).isTrue();
  }

  @Test
  void pins_by_owner_prefix_come_from_the_owner_index_which_is_rebuilt_for_an_older_store()
      throws IOException {
    Cid a = store.put("a".getBytes(StandardCharsets.UTF_8));
    Cid b = store.put("b".getBytes(StandardCharsets.UTF_8));
    store.pinAll(List.of(a, b), "snapshot:p/main@1");
    store.pin(a, "snapshot:p/main@2");
    store.pin(b, "snapshot:q/main@1");
    store.pin(a, "build:x");
    assertThat(store.unpinAll(List.of(new FileContentStore.Pin(b, "snapshot:p/main@1"))))
        .isEqualTo(1);
    List<String> expected = List.of("snapshot:p/main@1 " + a, "snapshot:p/main@2 " + a);
    assertThat(pinLines("snapshot:p/")).isEqualTo(expected);
    assertThat(pinLines("")).hasSize(4);

    // A store written before the owner index existed: its pins are indexed when it opens.
    store.close();
    jetbrains.exodus.env.Environment env =
        jetbrains.exodus.env.Environments.newInstance(dir.resolve("index").toFile());
    env.executeInTransaction(txn -> env.removeStore("pin-owners", txn));
    env.close();
    store = new FileContentStore(dir, clock, BlockWriter.CHANNEL);
    assertThat(pinLines("snapshot:p/")).isEqualTo(expected);
    assertThat(pinLines("")).hasSize(4);
  }

  private List<String> pinLines(String prefix) {
    return store.pins(prefix).stream().map(p -> p.owner() + " " + p.cid()).toList();
  }

  @Test
  void multi_block_content_round_trips_and_survives_reopen() throws IOException {
    byte[] content = UnixFsTest.patternBytes(3 * CHUNK + 17);
    Cid cid = store.put(content);
    assertThat(cid).isEqualTo(UnixFs.cidOf(content));
    store.close();
    store = new FileContentStore(dir, clock, BlockWriter.CHANNEL);
    assertThat(store.read(cid)).isEqualTo(content);
    assertThat(store.size(cid)).isEqualTo(content.length);
    assertThat(store.stats().blocks()).isEqualTo(5); // four leaves and a root
  }

  @Test
  void empty_content_is_stored_too() throws IOException {
    Cid cid = store.put(new byte[0]);
    assertThat(cid.value())
        .isEqualTo("bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y");
    assertThat(store.read(cid)).isEmpty();
  }

  @Test
  void absent_content_is_not_found() {
    Cid absent = UnixFs.cidOf("never stored".getBytes(StandardCharsets.UTF_8));
    assertThat(store.has(absent)).isFalse();
    assertThatThrownBy(() -> store.open(absent)).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> store.pin(absent, "build:x"))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void a_second_identical_put_writes_no_block_file() throws IOException {
    byte[] content = UnixFsTest.patternBytes(2 * CHUNK + 5);
    Cid first = store.put(content);
    Map<Path, Object> before = blockFiles();
    FileContentStore.Stats stats = store.stats();

    Cid second = store.put(content);

    assertThat(second).isEqualTo(first);
    assertThat(blockFiles()).isEqualTo(before); // same files, same inodes
    assertThat(store.stats()).isEqualTo(stats);
  }

  @Test
  void repeated_chunks_inside_one_file_are_stored_once() throws IOException {
    byte[] zeros = new byte[4 * CHUNK];
    store.put(zeros);
    // four identical leaves collapse into one block, plus the root
    assertThat(store.stats().blocks()).isEqualTo(2);
    assertThat(store.read(UnixFs.cidOf(zeros))).isEqualTo(zeros);
  }

  @Test
  void a_flipped_byte_is_never_served_and_is_quarantined() throws IOException {
    byte[] content = UnixFsTest.patternBytes(3 * CHUNK);
    Cid cid = store.put(content);
    List<Cid> leaves = leaves(content);
    Path second = store.blockPath(leaves.get(1));
    flipByte(second, 1000);

    ByteArrayOutputStream served = new ByteArrayOutputStream();
    assertThatThrownBy(() -> copy(store.open(cid), served))
        .isInstanceOf(CorruptContentException.class)
        .hasMessageContaining(leaves.get(1).value());
    // only the first, intact chunk got out
    assertThat(served.toByteArray()).isEqualTo(Arrays.copyOf(content, CHUNK));
    assertThat(second).doesNotExist();
    assertThat(store.quarantined())
        .extracting(FileContentStore.Quarantined::cid)
        .containsExactly(leaves.get(1));
    assertThat(Files.list(dir.resolve("quarantine")).count()).isEqualTo(1);

    // putting the same content again heals the store
    store.put(content);
    assertThat(store.read(cid)).isEqualTo(content);
  }

  @Test
  void a_flipped_byte_in_a_single_block_fails_open() throws IOException {
    Cid cid = store.put("small".getBytes(StandardCharsets.UTF_8));
    flipByte(store.blockPath(cid), 8);
    assertThatThrownBy(() -> store.open(cid)).isInstanceOf(CorruptContentException.class);
    assertThat(store.has(cid)).isFalse();
  }

  @Test
  void a_truncated_block_is_detected() throws IOException {
    byte[] content = UnixFsTest.patternBytes(CHUNK + 100);
    Cid cid = store.put(content);
    Path first = store.blockPath(leaves(content).get(0));
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.truncate(CHUNK / 2);
    }
    assertThatThrownBy(() -> store.read(cid)).isInstanceOf(CorruptContentException.class);
    assertThat(store.read(cid, 0, 0)).isEmpty();
  }

  @Test
  void two_swapped_blocks_are_both_detected() throws IOException {
    byte[] content = UnixFsTest.patternBytes(3 * CHUNK);
    Cid cid = store.put(content);
    List<Cid> leaves = leaves(content);
    Path a = store.blockPath(leaves.get(0));
    Path b = store.blockPath(leaves.get(2));
    byte[] aBytes = Files.readAllBytes(a);
    Files.write(a, Files.readAllBytes(b));
    Files.write(b, aBytes);

    assertThatThrownBy(() -> store.read(cid)).isInstanceOf(CorruptContentException.class);
    FileContentStore.VerifyReport report = store.verify();
    assertThat(report.healthy()).isFalse();
    // the first was quarantined by the read, the second by verify
    assertThat(store.quarantined())
        .extracting(FileContentStore.Quarantined::cid)
        .containsExactlyInAnyOrder(leaves.get(0), leaves.get(2));
  }

  @Test
  void verify_reports_a_healthy_store() throws IOException {
    store.put(UnixFsTest.patternBytes(CHUNK + 1));
    FileContentStore.VerifyReport report = store.verify();
    assertThat(report.checkedBlocks()).isEqualTo(3);
    assertThat(report.healthy()).isTrue();
  }

  @ParameterizedTest(name = "offset {0} length {1}")
  @CsvSource({
    "0, 10",
    "0, 1000000000",
    "5, 0",
    "262143, 2", // across the first chunk boundary
    "262144, 262144", // exactly the second chunk
    "100, 786432", // spans three chunks
    "786440, 100", // clipped at the end
    "786450, 5", // at the end
    "999999, 5", // beyond the end
  })
  void ranges_return_the_same_bytes_as_slicing(long offset, long length) throws IOException {
    byte[] content = UnixFsTest.patternBytes(3 * CHUNK + 18);
    Cid cid = store.put(content);
    int from = (int) Math.min(offset, content.length);
    int to = (int) Math.min(content.length, from + Math.min(length, content.length));
    assertThat(store.read(cid, offset, length)).isEqualTo(Arrays.copyOfRange(content, from, to));
  }

  @Test
  void gc_keeps_pinned_and_recent_content_and_deletes_the_rest() throws IOException {
    byte[] kept = UnixFsTest.patternBytes(2 * CHUNK + 1);
    byte[] sharesFirstChunk = Arrays.copyOf(kept, CHUNK + 7);
    byte[] loose = "loose".getBytes(StandardCharsets.UTF_8);
    Cid keptCid = store.put(kept);
    Cid sharingCid = store.put(sharesFirstChunk);
    Cid looseCid = store.put(loose);
    store.pin(keptCid, "registry:p/main/1");

    clock.advance(Duration.ofMinutes(10));
    FileContentStore.GcReport withinGrace = store.gc(Duration.ofHours(1));
    assertThat(withinGrace.deletedBlocks()).isZero();
    assertThat(store.has(looseCid)).isTrue();

    FileContentStore.GcReport report = store.gc(Duration.ofMinutes(5));
    // loose: 1 block; sharing: its root and its own second leaf (first leaf is shared)
    assertThat(report.deletedBlocks()).isEqualTo(3);
    assertThat(store.has(looseCid)).isFalse();
    assertThat(store.has(sharingCid)).isFalse();
    assertThat(store.read(keptCid)).isEqualTo(kept);

    assertThat(store.unpin(keptCid, "registry:p/main/1")).isTrue();
    assertThat(store.unpin(keptCid, "registry:p/main/1")).isFalse();
    assertThat(store.gc(Duration.ofMinutes(5)).deletedBlocks()).isEqualTo(4);
    assertThat(store.stats().blocks()).isZero();
    assertThat(blockFiles()).isEmpty();
  }

  @Test
  void a_content_stays_while_any_owner_pins_it() throws IOException {
    Cid cid = store.put("shared".getBytes(StandardCharsets.UTF_8));
    store.pin(cid, "build:abc");
    store.pin(cid, "registry:p/main/2");
    store.pin(cid, "build:abc"); // idempotent
    assertThat(store.owners(cid)).containsExactly("build:abc", "registry:p/main/2");
    store.unpin(cid, "build:abc");
    clock.advance(Duration.ofDays(1));
    store.gc(Duration.ZERO);
    assertThat(store.has(cid)).isTrue();
  }

  @Test
  void a_deduplicated_put_renews_the_grace_period() throws IOException {
    byte[] content = "again".getBytes(StandardCharsets.UTF_8);
    Cid cid = store.put(content);
    clock.advance(Duration.ofHours(2));
    store.put(content);
    store.gc(Duration.ofHours(1));
    assertThat(store.has(cid)).isTrue();
  }

  @Test
  void gc_refuses_to_sweep_when_a_pinned_dag_is_unreadable() throws IOException {
    byte[] content = UnixFsTest.patternBytes(CHUNK + 1);
    Cid cid = store.put(content);
    Cid loose = store.put("loose".getBytes(StandardCharsets.UTF_8));
    store.pin(cid, "build:h");
    flipByte(store.blockPath(cid), 3);
    clock.advance(Duration.ofDays(1));
    FileContentStore.GcReport report = store.gc(Duration.ZERO);
    assertThat(report.skippedBecause()).contains(cid.value());
    assertThat(store.has(loose)).isTrue();
  }

  @Test
  void gc_removes_stale_temporary_and_unindexed_files() throws IOException {
    Path shard = dir.resolve("blocks/zz");
    Files.createDirectories(shard);
    Path temp = Files.write(shard.resolve(".tmp-leftover"), new byte[] {1, 2});
    Cid orphan = UnixFs.cidOf("orphan".getBytes(StandardCharsets.UTF_8));
    Path orphanFile = Files.write(shard.resolve(orphan.value()), new byte[] {3});
    Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.from(Instant.EPOCH));
    Files.setLastModifiedTime(orphanFile, java.nio.file.attribute.FileTime.from(Instant.EPOCH));
    store.gc(Duration.ofHours(1));
    assertThat(temp).doesNotExist();
    assertThat(orphanFile).doesNotExist();
  }

  @Test
  void a_full_disk_fails_the_put_clearly_leaves_nothing_partial_and_reads_keep_working()
      throws IOException {
    store.close();
    FailingWriter failing = new FailingWriter(2);
    store = new FileContentStore(dir, clock, failing);
    byte[] earlier = "written before the disk filled".getBytes(StandardCharsets.UTF_8);
    Cid earlierCid = store.put(earlier);
    failing.failAfter = 1; // the next put's first leaf lands, the second fails half written

    byte[] content = UnixFsTest.patternBytes(3 * CHUNK);
    assertThatThrownBy(() -> store.put(content))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("content store " + dir.toAbsolutePath())
        .hasMessageContaining("No space left on device");

    assertThat(store.has(UnixFs.cidOf(content))).isFalse();
    try (Stream<Path> files = Files.walk(dir.resolve("blocks"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp"));
    }
    assertThat(store.read(earlierCid)).isEqualTo(earlier);
    assertThat(store.verify().healthy()).isTrue();

    failing.failAfter = Integer.MAX_VALUE; // space freed
    assertThat(store.read(store.put(content))).isEqualTo(content);
  }

  /** Writes {@code failAfter} blocks, then half of the next one before failing like ENOSPC. */
  static final class FailingWriter implements BlockWriter {
    volatile int failAfter;

    FailingWriter(int failAfter) {
      this.failAfter = failAfter;
    }

    @Override
    public void write(FileChannel channel, java.nio.ByteBuffer bytes) throws IOException {
      if (failAfter-- <= 0) {
        java.nio.ByteBuffer half = bytes.duplicate();
        half.limit(half.position() + half.remaining() / 2);
        BlockWriter.CHANNEL.write(channel, half);
        throw new IOException("No space left on device");
      }
      BlockWriter.CHANNEL.write(channel, bytes);
    }
  }

  private static List<Cid> leaves(byte[] content) throws IOException {
    List<Cid> out = new ArrayList<>();
    UnixFs.importFile(
        new java.io.ByteArrayInputStream(content),
        (cid, block, kind) -> {
          if (kind == UnixFs.Kind.LEAF) {
            out.add(cid);
          }
        });
    return out;
  }

  private Map<Path, Object> blockFiles() throws IOException {
    Map<Path, Object> out = new HashMap<>();
    try (Stream<Path> files = Files.walk(dir.resolve("blocks"))) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.put(p, List.of(a.fileKey(), a.lastModifiedTime()));
      }
    }
    return out;
  }

  private static void flipByte(Path file, int at) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[at] ^= 0x01;
    Files.write(file, b);
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
    try (in) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    }
  }
}
