package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.Guests.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * §6.2 storage conformance ({@code storage}, {@code storage_method}, {@code storage_rs}, {@code
 * storage_content}, {@code storage_content_rs}) with WAT guests of our own, against the §5.3 test
 * store (raw CIDs, 1 MiB) and its production-CID variant (UnixFS).
 */
class StorageConformanceTest {

  private static final Map<ExecutionMode, WasmRuntime> RUNTIMES = new LinkedHashMap<>();

  static WasmRuntime rt(ExecutionMode mode) {
    synchronized (RUNTIMES) {
      return RUNTIMES.computeIfAbsent(
          mode, m -> new WasmRuntime(WasmRuntimeConfig.defaults().withWorkers(2).withMode(m)));
    }
  }

  @AfterAll
  static void close() {
    RUNTIMES.values().forEach(WasmRuntime::close);
  }

  static final String PRELUDE =
      """
      (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageNew" (func $new (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageGet" (func $get (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageAddFile" (func $add (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageGetFile" (func $open (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageReadFile" (func $read (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageCloseFile" (func $close (param i32 i32) (result i32)))
      (import "taubyte/sdk" "storageDeleteFile" (func $delete (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageListVersionsSize" (func $versionsSize (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageListVersions" (func $versions (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageListFilesSize" (func $filesSize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "storageListFiles" (func $files (param i32 i32) (result i32)))
      (import "taubyte/sdk" "storageCid" (func $cid (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageCurrentVersionSize" (func $curSize (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageCurrentVersion" (func $cur (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "storageUsedSize" (func $usedSize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "storageUsed" (func $used (param i32 i32) (result i32)))
      (import "taubyte/sdk" "storageCapacitySize" (func $capSize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "storageCapacity" (func $cap (param i32 i32) (result i32)))
      (import "taubyte/sdk" "storageNewContent" (func $cNew (param i32) (result i32)))
      (import "taubyte/sdk" "storageOpenCid" (func $cOpen (param i32 i32) (result i32)))
      (import "taubyte/sdk" "contentWriteFile" (func $cWrite (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "contentReadFile" (func $cRead (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "contentSeekFile" (func $cSeek (param i32 i64 i32 i32) (result i32)))
      (import "taubyte/sdk" "contentFileCid" (func $cCid (param i32 i32) (result i32)))
      (import "taubyte/sdk" "contentPushFile" (func $cPush (param i32 i32) (result i32)))
      (import "taubyte/sdk" "contentCloseFile" (func $cClose (param i32) (result i32)))
      (memory (export "memory") 2)
      (func $w (param $ev i32) (param $p i32) (param $n i32)
        (drop (call $write (local.get $ev) (local.get $p) (local.get $n) (i32.const 8))))
      (func $check (param $c i32) (if (i32.eqz (local.get $c)) (then unreachable)))
      """;

  static String module(String data, String body) {
    return "(module\n"
        + PRELUDE
        + data
        + "\n(func (export \"call\") (param $ev i32) (result i32)\n"
        + body
        + "\n(i32.const 0)))";
  }

  static Invocation inv(GuestServices services) {
    return EventConformanceTest.inv(services);
  }

  /** storage.wasm: versions, reads, listing shape, current version, CID, delete. */
  static final String STORAGE =
      module(
          """
          (data (i32.const 100) "/basic/123")
          (data (i32.const 120) "video")
          (data (i32.const 130) "first version")
          (data (i32.const 150) "second version")
          (data (i32.const 180) "{\\"ping\\": \\"pong\\"}")
          """,
          """
          (local $st i32)
          (call $check (i32.eqz (call $new (i32.const 100) (i32.const 10) (i32.const 16))))
          (local.set $st (i32.load (i32.const 16)))
          (call $check (i32.eqz (call $add (local.get $st) (i32.const 120) (i32.const 5) (i32.const 20) (i32.const 130) (i32.const 13) (i32.const 0))))
          (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 1)))
          ;; one 13-byte read returns all 13 bytes with errno 0, the next one 8
          (call $check (i32.eqz (call $open (local.get $st) (i32.const 120) (i32.const 5) (i32.const 1) (i32.const 24))))
          (call $check (i32.eqz (i32.load (i32.const 24))))
          (call $check (i32.eqz (call $read (local.get $st) (i32.load (i32.const 24)) (i32.const 1000) (i32.const 13) (i32.const 28))))
          (call $check (i32.eq (i32.load (i32.const 28)) (i32.const 13)))
          (call $check (i32.eq (call $read (local.get $st) (i32.load (i32.const 24)) (i32.const 1000) (i32.const 13) (i32.const 28)) (i32.const 8)))
          (call $check (i32.eqz (call $close (local.get $st) (i32.load (i32.const 24)))))
          (call $check (i32.eq (call $close (local.get $st) (i32.load (i32.const 24))) (i32.const 3)))
          ;; current version: the Size call caches, the storage-less fill writes "1"
          (call $check (i32.eq (call $cur (i32.const 120) (i32.const 5) (i32.const 1100)) (i32.const 3)))
          (call $check (i32.eqz (call $curSize (local.get $st) (i32.const 120) (i32.const 5) (i32.const 32))))
          (call $check (i32.eq (i32.load (i32.const 32)) (i32.const 1)))
          (call $check (i32.eqz (call $cur (i32.const 120) (i32.const 5) (i32.const 1100))))
          (call $check (i32.eq (i32.load8_u (i32.const 1100)) (i32.const 49)))
          (call $check (i32.eqz (call $cid (local.get $st) (i32.const 120) (i32.const 5) (i32.const 1200))))
          (call $check (i32.eq (i32.load8_u (i32.const 1200)) (i32.const 1)))
          (call $check (i32.eqz (call $add (local.get $st) (i32.const 120) (i32.const 5) (i32.const 20) (i32.const 150) (i32.const 14) (i32.const 0))))
          (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 2)))
          ;; versions "1\\0" "2\\0"; files "/file/video/1\\0/file/video/2\\0"
          (call $check (i32.eqz (call $versionsSize (local.get $st) (i32.const 120) (i32.const 5) (i32.const 36))))
          (call $check (i32.eq (i32.load (i32.const 36)) (i32.const 4)))
          (call $check (i32.eqz (call $filesSize (local.get $st) (i32.const 40))))
          (call $check (i32.eqz (call $files (local.get $st) (i32.const 2000))))
          (call $w (local.get $ev) (i32.const 2000) (i32.load (i32.const 40)))
          (call $check (i32.eqz (call $delete (local.get $st) (i32.const 120) (i32.const 5) (i32.const 1) (i32.const 0))))
          (call $check (i32.eqz (call $versionsSize (local.get $st) (i32.const 120) (i32.const 5) (i32.const 36))))
          (call $check (i32.eq (i32.load (i32.const 36)) (i32.const 2)))
          ;; missing file and version, unknown storage and fd
          (call $check (i32.eq (call $open (local.get $st) (i32.const 120) (i32.const 5) (i32.const 1) (i32.const 24)) (i32.const 90)))
          (call $check (i32.eq (call $read (i32.const 9) (i32.const 0) (i32.const 1000) (i32.const 13) (i32.const 28)) (i32.const 3)))
          (call $check (i32.eq (call $filesSize (i32.const 9) (i32.const 40)) (i32.const 1)))
          (call $check (i32.eq (call $cid (i32.const 9) (i32.const 120) (i32.const 5) (i32.const 1200)) (i32.const 92)))
          (call $check (i32.eq (call $curSize (i32.const 9) (i32.const 120) (i32.const 5) (i32.const 32)) (i32.const 3)))
          (call $w (local.get $ev) (i32.const 180) (i32.const 16))
          """);

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void storage(ExecutionMode mode) {
    HttpResponse r =
        rt(mode)
            .invokeHttp(
                Guests.compile(rt(mode), STORAGE),
                inv(new InMemoryGuestServices()),
                get("/storage"));

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("/file/video/1\0/file/video/2\0{\"ping\": \"pong\"}");
  }

  @Test
  void storageMethodAndGetOfAMissingStorage() {
    String wat =
        module(
            "(data (i32.const 100) \"/smartop/storage\") (data (i32.const 130) \"Success\") (data (i32.const 140) \"/nope\")",
            """
            (call $check (i32.eqz (call $new (i32.const 100) (i32.const 16) (i32.const 16))))
            (call $w (local.get $ev) (i32.const 130) (i32.const 7))
            (call $check (i32.eqz (call $get (i32.const 100) (i32.const 16) (i32.const 16))))
            (call $check (i32.eq (call $get (i32.const 140) (i32.const 5) (i32.const 16)) (i32.const 92)))
            """);
    WasmRuntime rt = rt(ExecutionMode.COMPILED);
    HttpResponse ok =
        rt.invokeHttp(Guests.compile(rt, wat), inv(InMemoryGuestServices.persistent()), get("/"));
    HttpResponse none = rt.invokeHttp(Guests.compile(rt, wat), inv(GuestServices.none()), get("/"));

    assertThat(ok.bodyText()).isEqualTo("Success");
    assertThat(none.status()).isEqualTo(500); // 22 from storageNew, the guest traps
  }

  /** storage_rs.wasm: production CIDs, used and capacity as decimal strings. */
  @Test
  void storageRsWithUnixFsCidsAndCapacity5000() {
    String wat =
        module(
            """
            (data (i32.const 100) "someStorage")
            (data (i32.const 120) "video")
            (data (i32.const 130) "Hello, world")
            (data (i32.const 150) "Hello, world!")
            (data (i32.const 170) "|")
            """,
            """
            (local $st i32)
            (call $check (i32.eqz (call $new (i32.const 100) (i32.const 11) (i32.const 16))))
            (local.set $st (i32.load (i32.const 16)))
            (call $check (i32.eqz (call $add (local.get $st) (i32.const 120) (i32.const 5) (i32.const 20) (i32.const 130) (i32.const 12) (i32.const 0))))
            (call $check (i32.eqz (call $cid (local.get $st) (i32.const 120) (i32.const 5) (i32.const 1000))))
            (call $w (local.get $ev) (i32.const 1000) (i32.const 36))
            (call $w (local.get $ev) (i32.const 170) (i32.const 1))
            (call $check (i32.eqz (call $add (local.get $st) (i32.const 120) (i32.const 5) (i32.const 20) (i32.const 150) (i32.const 13) (i32.const 0))))
            (call $check (i32.eqz (call $usedSize (local.get $st) (i32.const 24))))
            (call $check (i32.eqz (call $used (local.get $st) (i32.const 1100))))
            (call $w (local.get $ev) (i32.const 1100) (i32.load (i32.const 24)))
            (call $w (local.get $ev) (i32.const 170) (i32.const 1))
            (call $check (i32.eqz (call $capSize (local.get $st) (i32.const 24))))
            (call $check (i32.eqz (call $cap (local.get $st) (i32.const 1100))))
            (call $w (local.get $ev) (i32.const 1100) (i32.load (i32.const 24)))
            ;; capacity is enforced: 5000 bytes more do not fit
            (call $check (i32.eq (call $add (local.get $st) (i32.const 120) (i32.const 5) (i32.const 20) (i32.const 0) (i32.const 5000) (i32.const 0)) (i32.const 31)))
            """);
    WasmRuntime rt = rt(ExecutionMode.COMPILED);
    HttpResponse r =
        rt.invokeHttp(
            Guests.compile(rt, wat),
            inv(new InMemoryGuestServices().withUnixFsCids(5000)),
            get("/"));

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    byte[] cid = Arrays.copyOf(r.body(), 36);
    assertThat(Cids.text(cid))
        .isEqualTo("bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa");
    assertThat(new String(r.body(), 36, r.body().length - 36, StandardCharsets.UTF_8))
        .isEqualTo("|25|5000");
  }

  /** storage_content.wasm: scratch content, seek, push, reopen by CID. */
  static final String CONTENT =
      module(
          """
          (data (i32.const 100) "Hello World")
          (data (i32.const 120) " Hello World AGAIN")
          """,
          """
          (local $c i32) (local $d i32)
          (call $check (i32.eqz (call $cNew (i32.const 16))))
          (local.set $c (i32.load (i32.const 16)))
          (call $check (i32.eqz (call $cWrite (local.get $c) (i32.const 100) (i32.const 11) (i32.const 20))))
          (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 11)))
          ;; position is at the end: nothing to read
          (call $check (i32.eq (call $cRead (local.get $c) (i32.const 1000) (i32.const 64) (i32.const 24)) (i32.const 8)))
          (call $check (i32.eqz (i32.load (i32.const 24))))
          (call $check (i32.eqz (call $cSeek (local.get $c) (i64.const 0) (i32.const 0) (i32.const 28))))
          (call $check (i32.eqz (call $cRead (local.get $c) (i32.const 1000) (i32.const 64) (i32.const 24))))
          (call $check (i32.eq (i32.load (i32.const 24)) (i32.const 11)))
          (call $check (i32.eqz (call $cWrite (local.get $c) (i32.const 120) (i32.const 18) (i32.const 20))))
          (call $check (i32.eqz (call $cSeek (local.get $c) (i64.const 0) (i32.const 0) (i32.const 28))))
          (call $check (i32.eqz (call $cRead (local.get $c) (i32.const 1000) (i32.const 64) (i32.const 24))))
          (call $check (i32.eq (i32.load (i32.const 24)) (i32.const 29)))
          (call $check (i32.eq (call $cSeek (local.get $c) (i64.const 0) (i32.const 3) (i32.const 28)) (i32.const 98)))
          (call $check (i32.eq (call $cSeek (local.get $c) (i64.const -1) (i32.const 0) (i32.const 28)) (i32.const 99)))
          ;; push (CID into a 64-byte buffer), contentFileCid of new content writes nothing
          (call $check (i32.eqz (call $cPush (local.get $c) (i32.const 2000))))
          (call $check (i32.eqz (call $cCid (local.get $c) (i32.const 3000))))
          (call $check (i32.eqz (i32.load (i32.const 3000))))
          (call $check (i32.eqz (call $cClose (local.get $c))))
          (call $check (i32.eq (call $cClose (local.get $c)) (i32.const 96)))
          ;; reopen by CID: positioned at the end, then read back
          (call $check (i32.eqz (call $cOpen (i32.const 16) (i32.const 2000))))
          (local.set $d (i32.load (i32.const 16)))
          (call $check (i32.eq (local.get $d) (i32.const 1)))
          (call $check (i32.eq (call $cRead (local.get $d) (i32.const 1000) (i32.const 64) (i32.const 24)) (i32.const 8)))
          (call $check (i32.eqz (call $cSeek (local.get $d) (i64.const 0) (i32.const 0) (i32.const 28))))
          (call $check (i32.eqz (call $cRead (local.get $d) (i32.const 1000) (i32.const 64) (i32.const 24))))
          (call $check (i32.eqz (call $cCid (local.get $d) (i32.const 3000))))
          (call $w (local.get $ev) (i32.const 2000) (i32.const 36))
          (call $w (local.get $ev) (i32.const 3000) (i32.const 36))
          (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 24)))
          ;; a CID that does not parse, one that is not stored, one out of bounds
          (call $check (i32.eq (call $cOpen (i32.const 16) (i32.const 4000)) (i32.const 19)))
          (i32.store8 (i32.const 2010) (i32.xor (i32.load8_u (i32.const 2010)) (i32.const 1)))
          (call $check (i32.eq (call $cOpen (i32.const 16) (i32.const 2000)) (i32.const 100)))
          (call $check (i32.eq (call $cOpen (i32.const 16) (i32.const 131050)) (i32.const 3)))
          """);

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void storageContentWithProductionCids(ExecutionMode mode) {
    HttpResponse r =
        rt(mode)
            .invokeHttp(
                Guests.compile(rt(mode), CONTENT),
                inv(new InMemoryGuestServices().withUnixFsCids(1L << 20)),
                get("/"));

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    byte[] b = r.body();
    assertThat(Cids.text(Arrays.copyOfRange(b, 0, 36)))
        .isEqualTo("bafybeidqnk6czrgcaydbxw54tf2qpjmd5pcefpeoudytygrbukfoaawo4i");
    assertThat(Arrays.copyOfRange(b, 36, 72)).isEqualTo(Arrays.copyOfRange(b, 0, 36));
    assertThat(new String(b, 72, b.length - 72, StandardCharsets.UTF_8))
        .isEqualTo("Hello World Hello World AGAIN");
  }

  @Test
  void storageContentWithTheTestStoresRawCids() {
    WasmRuntime rt = rt(ExecutionMode.COMPILED);
    HttpResponse r =
        rt.invokeHttp(Guests.compile(rt, CONTENT), inv(new InMemoryGuestServices()), get("/"));

    assertThat(Cids.text(Arrays.copyOfRange(r.body(), 0, 36)))
        .isEqualTo("bafkreih5gilhl4cghvsgh7scx55r4aoe5lnvjwzw3wq7jxo2z6x5ew7eu4");
  }

  @Test
  void unixFsCidsOfTheSpecAndOfMultiChunkContent() {
    assertThat(Cids.text(Cids.unixFs("Hello, world".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa");
    assertThat(Cids.text(Cids.unixFs("Hello, world!".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("bafybeidv23lyayv4rdysncmjvqh3w46dysaruzqnkageemmc5xu2sywrya");
    // content over one 256 KiB chunk becomes a root with links: a different, stable CID
    byte[] big = new byte[300 * 1024];
    assertThat(Cids.text(Cids.unixFs(big)))
        .startsWith("bafybei")
        .isNotEqualTo(Cids.text(Cids.unixFs(new byte[256 * 1024])));
  }

  @Test
  void persistentStoragesAreKeptPerProject() {
    InMemoryGuestServices s = InMemoryGuestServices.persistent();
    String writer =
        module(
            "(data (i32.const 100) \"shared\") (data (i32.const 120) \"f\") (data (i32.const 130) \"secret\")",
            """
            (call $check (i32.eqz (call $new (i32.const 100) (i32.const 6) (i32.const 16))))
            (call $check (i32.eqz (call $add (i32.load (i32.const 16)) (i32.const 120) (i32.const 1) (i32.const 20) (i32.const 130) (i32.const 6) (i32.const 0))))
            """);
    String reader =
        module(
            "(data (i32.const 100) \"shared\") (data (i32.const 120) \"f\") (data (i32.const 0) \"found\")",
            """
            (call $check (i32.eqz (call $get (i32.const 100) (i32.const 6) (i32.const 16))))
            (call $check (i32.eqz (call $open (i32.load (i32.const 16)) (i32.const 120) (i32.const 1) (i32.const 0) (i32.const 24))))
            (call $w (local.get $ev) (i32.const 0) (i32.const 5))
            """);
    WasmRuntime rt = rt(ExecutionMode.COMPILED);
    Invocation projectA = inv(s);
    Invocation projectB =
        new Invocation(
            "other-project", "app-456", "res-1", "c", "main", "call", 0, 10_000_000_000L, s);

    assertThat(rt.invokeHttp(Guests.compile(rt, writer), projectA, get("/")).status())
        .isEqualTo(200);
    HttpResponse sameProject = rt.invokeHttp(Guests.compile(rt, reader), projectA, get("/"));
    HttpResponse otherProject = rt.invokeHttp(Guests.compile(rt, reader), projectB, get("/"));

    assertThat(sameProject.bodyText()).isEqualTo("found");
    assertThat(otherProject.status()).isEqualTo(500); // storageGet answers 92: nothing shared
  }
}
