package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jtau.app.GuestContent;
import io.jtau.model.Cid;
import io.jtau.model.ProjectKey;
import io.jtau.store.Cids;
import io.jtau.store.FileContentStore;
import io.jtau.store.UnixFs;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node's real guest backends end to end (issue #5): WAT guests of one project pushed with the
 * real git client call each other over p2p (a p2p function answers an HTTP function's command in
 * the same node), and push and open content by CID in the node's content store, whose pins keep
 * what guests pushed through a gc.
 */
@QuarkusTest
@LocalCloud
class GuestBackendsIT {

  static final String PROJECT = "abi";
  static final String PROJECT_ID = "QmUTEmdvApGhnh3JyCGknQ7ngDbQnzMTCirUa4cBcbZU5h";
  static final String HOST = "abi-cbcbzu5h.g.dream.localhost";

  /** Content an operator stored; guests of any project may open it by CID. */
  static final byte[] SHARED = "stored by the operator\n".getBytes(StandardCharsets.UTF_8);

  static final byte[] PUSHED = "pushed by a guest".getBytes(StandardCharsets.UTF_8);

  static final String HTTP_FN =
      """
      id: %s
      trigger:
          type: https
          method: GET
          paths:
              - /%s
      domains:
          - abi
      source: .
      execution:
          timeout: 10s
          memory: 16MB
          call: %s
      """;

  static final String CALLER =
      """
      (module
        (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "newCommand" (func $cmd (param i32 i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "sendCommand" (func $send (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "sendCommandTo" (func $sendTo (param i32 i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "readCommandResponse" (func $reply (param i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "discoverPeersSize" (func $discSize (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "discoverPeers" (func $disc (param i32 i32) (result i32)))
        (import "taubyte/sdk" "listenToProtocolSize" (func $listenSize (param i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "listenToProtocol" (func $listen (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "/echo/v1")
        (data (i32.const 120) "ping")
        (data (i32.const 130) "silent")
        (data (i32.const 140) "Hello, world")
        (data (i32.const 160) "/nobody/v1")
        ;; writes an errno as three digits
        (func $num (param $ev i32) (param $n i32) (result i32)
          (i32.store8 (i32.const 900) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 100))))
          (i32.store8 (i32.const 901) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $n) (i32.const 10)) (i32.const 10))))
          (i32.store8 (i32.const 902) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
          (drop (call $write (local.get $ev) (i32.const 900) (i32.const 3) (i32.const 8)))
          (i32.const 0))
        ;; sends ping "Hello, world" on /echo/v1 and writes the reply
        (func (export "callp2p") (param $ev i32) (result i32)
          (local $e i32)
          (local.set $e (call $cmd (i32.const 100) (i32.const 8) (i32.const 120) (i32.const 4) (i32.const 16)))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (local.set $e (call $send (i32.load (i32.const 16)) (i32.const 140) (i32.const 12) (i32.const 20)))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (local.set $e (call $reply (i32.load (i32.const 16)) (i32.const 1000) (i32.load (i32.const 20))))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (drop (call $write (local.get $ev) (i32.const 1000) (i32.load (i32.const 20)) (i32.const 8)))
          (i32.const 0))
        ;; a protocol no resource of the project declares: newCommand answers 45
        (func (export "nobody") (param $ev i32) (result i32)
          (call $num (local.get $ev)
            (call $cmd (i32.const 160) (i32.const 10) (i32.const 120) (i32.const 4) (i32.const 16))))
        ;; a command no function serves: sendCommand answers 43
        (func (export "silent") (param $ev i32) (result i32)
          (local $e i32)
          (local.set $e (call $cmd (i32.const 100) (i32.const 8) (i32.const 130) (i32.const 6) (i32.const 16)))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (call $num (local.get $ev)
            (call $send (i32.load (i32.const 16)) (i32.const 140) (i32.const 12) (i32.const 20))))
        ;; discovers peers, then sends ping to the first one found
        (func (export "sendto") (param $ev i32) (result i32)
          (local $e i32)
          (local.set $e (call $discSize (i32.const 5) (i32.const 1000000000) (i32.const 24) (i32.const 28)))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (local.set $e (call $disc (i32.load (i32.const 24)) (i32.const 2000)))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (local.set $e (call $cmd (i32.const 100) (i32.const 8) (i32.const 120) (i32.const 4) (i32.const 16)))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          ;; the list is (u16 length, bytes)*: the first peer's CID starts at 2002
          (local.set $e (call $sendTo (i32.load (i32.const 16)) (i32.const 2002) (i32.const 140) (i32.const 12) (i32.const 20)))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (local.set $e (call $reply (i32.load (i32.const 16)) (i32.const 1000) (i32.load (i32.const 20))))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (drop (call $write (local.get $ev) (i32.const 1000) (i32.load (i32.const 20)) (i32.const 8)))
          (i32.const 0))
        ;; the protocol the node listens on for /echo/v1
        (func (export "listen") (param $ev i32) (result i32)
          (local $e i32)
          (local.set $e (call $listenSize (i32.const 100) (i32.const 8) (i32.const 32)))
          (if (local.get $e) (then (return (call $num (local.get $ev) (local.get $e)))))
          (drop (call $listen (i32.const 100) (i32.const 8) (i32.const 3000) (i32.load (i32.const 32))))
          (drop (call $write (local.get $ev) (i32.const 3000) (i32.load (i32.const 32)) (i32.const 8)))
          (i32.const 0)))
      """;

  /** The p2p function: answers "pong: " followed by the command's data. */
  static final String SERVER =
      """
      (module
        (import "taubyte/sdk" "getP2PEventDataSize" (func $size (param i32 i32) (result i32)))
        (import "taubyte/sdk" "getP2PEventData" (func $data (param i32 i32) (result i32)))
        (import "taubyte/sdk" "writeP2PResponse" (func $respond (param i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 1994) "pong: ")
        (func (export "pong") (param $ev i32) (result i32)
          (if (call $size (local.get $ev) (i32.const 16)) (then unreachable))
          (if (call $data (local.get $ev) (i32.const 2000)) (then unreachable))
          (if (call $respond (local.get $ev) (i32.const 1994) (i32.add (i32.const 6) (i32.load (i32.const 16))))
            (then unreachable))
          (i32.const 0)))
      """;

  /**
   * Pushes PUSHED as new content, opens it again by the CID it got, then opens the operator's
   * content by its CID (data at 3100); writes both, one per line. "missing" opens a CID nothing
   * stored and writes the errno.
   */
  static String content(byte[] sharedCid, byte[] missingCid) {
    return """
      (module
        (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "storageNewContent" (func $new (param i32) (result i32)))
        (import "taubyte/sdk" "storageOpenCid" (func $open (param i32 i32) (result i32)))
        (import "taubyte/sdk" "contentWriteFile" (func $cw (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "contentReadFile" (func $cr (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "contentSeekFile" (func $seek (param i32 i64 i32 i32) (result i32)))
        (import "taubyte/sdk" "contentPushFile" (func $push (param i32 i32) (result i32)))
        (import "taubyte/sdk" "contentCloseFile" (func $close (param i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "%s")
        (data (i32.const 3100) "%s")
        (data (i32.const 3200) "%s")
        (data (i32.const 90) "\\n")
        (func $check (param $e i32) (if (local.get $e) (then unreachable)))
        ;; opens a CID, reads it from the start into 1000 and writes it
        (func $cat (param $ev i32) (param $cid i32) (result i32)
          (local $e i32)
          (local.set $e (call $open (i32.const 24) (local.get $cid)))
          (if (local.get $e) (then (return (local.get $e))))
          (call $check (call $seek (i32.load (i32.const 24)) (i64.const 0) (i32.const 0) (i32.const 28)))
          (call $check (call $cr (i32.load (i32.const 24)) (i32.const 1000) (i32.const 500) (i32.const 32)))
          (drop (call $write (local.get $ev) (i32.const 1000) (i32.load (i32.const 32)) (i32.const 8)))
          (call $check (call $close (i32.load (i32.const 24))))
          (i32.const 0))
        (func (export "content") (param $ev i32) (result i32)
          (call $check (call $new (i32.const 16)))
          (call $check (call $cw (i32.load (i32.const 16)) (i32.const 100) (i32.const %d) (i32.const 20)))
          (call $check (call $push (i32.load (i32.const 16)) (i32.const 3000)))
          (call $check (call $close (i32.load (i32.const 16))))
          (call $check (call $cat (local.get $ev) (i32.const 3000)))
          (drop (call $write (local.get $ev) (i32.const 90) (i32.const 1) (i32.const 8)))
          (call $check (call $cat (local.get $ev) (i32.const 3100)))
          (i32.const 0))
        (func (export "missing") (param $ev i32) (result i32)
          (local $e i32)
          (local.set $e (call $open (i32.const 24) (i32.const 3200)))
          (i32.store8 (i32.const 900) (i32.add (i32.const 48) (i32.div_u (local.get $e) (i32.const 100))))
          (i32.store8 (i32.const 901) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $e) (i32.const 10)) (i32.const 10))))
          (i32.store8 (i32.const 902) (i32.add (i32.const 48) (i32.rem_u (local.get $e) (i32.const 10))))
          (drop (call $write (local.get $ev) (i32.const 900) (i32.const 3) (i32.const 8)))
          (i32.const 0)))
      """
        .formatted(
            new String(PUSHED, StandardCharsets.UTF_8),
            watBytes(sharedCid),
            watBytes(missingCid),
            PUSHED.length);
  }

  static String watBytes(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("\\%02x", x & 0xFF));
    }
    return sb.toString();
  }

  static void write(Path root, String file, String text) throws Exception {
    Path p = root.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  /** Pushes the project (config and code) once per test JVM. */
  static synchronized void pushProject(Cloud cloud, Cid sharedCid) throws Exception {
    if (cloud.node().git().find(PROJECT, "config").isPresent()) {
      return;
    }
    Path config = Files.createTempDirectory(cloud.work(), "abi-config-");
    write(config, "config.yaml", "id: " + PROJECT_ID + "\nname: " + PROJECT + "\n");
    write(
        config,
        "domains/abi.yaml",
        "id: QmX3CrfPTnc9KsjEt2w1jLsYg5o1NAYaiHDNWqnNvmBgpr\nfqdn: " + HOST + "\n");
    write(
        config,
        "services/echo.yaml",
        "id: QmZPxaKmWLnMne6w2zojttjEGxvWTNSe49j5vvzDGdksuT\nprotocol: /echo/v1\n");
    String[][] http = {
      {"QmaXe6tPeEWHFZL4p9gQ4LxwLG91r29eLsMFUfYbeNV7WE", "callp2p"},
      {"QmUD8BGRwkdo6i3Kawwuub8kkutxPmqunJMCgb4jfNqckw", "content"},
      {"QmP5CPZtX1kZvLN9Awt3WQbhp3mDb46A1FRN97Tr1WrvRj", "nobody"},
      {"QmNz3bshzDjJYf6FhzJtHHVnDcAaTahW6hrDs6QzdDsfbV", "silent"},
      {"QmQ9ki3zbQh7bYhXEp5Hys2vViYaZBxMv5Jywf3s2exEME", "sendto"},
      {"QmXaeA8xDoXPk5ixQjAQjx6rZXrvrpghAR4WeqK7yRjZXJ", "listen"},
      {"QmT8U6cST6rwvRQgKS1PzGJjFjf8Yiu74qoLujjUV2A3go", "missing"},
    };
    Path code = Files.createTempDirectory(cloud.work(), "abi-code-");
    for (String[] f : http) {
      write(config, "functions/" + f[1] + ".yaml", HTTP_FN.formatted(f[0], f[1], f[1]));
      String module =
          f[1].equals("content") || f[1].equals("missing")
              ? content(
                  Cids.toBytes(sharedCid), Cids.toBytes(UnixFs.cidOf("never stored".getBytes())))
              : CALLER;
      write(code, "functions/" + f[1] + "/main.wat", module);
    }
    write(
        config,
        "functions/pong.yaml",
        """
        id: QmbnXL5jxL82MWxLws5P6T9SforEwTejPcJNpk4RRjHU5g
        trigger:
            type: p2p
            protocol: /echo/v1
            command: ping
        source: .
        execution:
            timeout: 10s
            memory: 16MB
            call: pong
        """);
    write(code, "functions/pong/main.wat", SERVER);
    for (Map.Entry<String, Path> repo : Map.of("config", config, "code", code).entrySet()) {
      cloud.node().git().create(PROJECT, repo.getKey());
      Path dir = repo.getValue();
      cloud.git().ok(dir, "init", "-q", "-b", "main");
      cloud.git().ok(dir, "add", "-A");
      cloud.git().ok(dir, "commit", "-qm", "abi project");
      cloud.git().ok(dir, "push", "-q", cloud.repoUrl(PROJECT, repo.getKey()), "HEAD:main");
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> cloud.body(HOST, "/listen").startsWith("200 "));
  }

  Cid shared(Cloud cloud) throws Exception {
    return cloud.node().store().put(SHARED);
  }

  @Test
  void aFunctionCallsAnotherFunctionOfItsProjectOverP2p(Cloud cloud) throws Exception {
    pushProject(cloud, shared(cloud));

    assertThat(cloud.body(HOST, "/callp2p")).isEqualTo("200 pong: Hello, world");
    assertThat(cloud.body(HOST, "/sendto")).isEqualTo("200 pong: Hello, world");
    assertThat(cloud.body(HOST, "/listen")).isEqualTo("200 /echo/v1");
    // 45: no resource declares the protocol; 43: no function serves the command
    assertThat(cloud.body(HOST, "/nobody")).isEqualTo("200 045");
    assertThat(cloud.body(HOST, "/silent")).isEqualTo("200 043");
  }

  @Test
  void guestsPushAndOpenContentInTheNodeStoreAndItSurvivesGc(Cloud cloud) throws Exception {
    Cid sharedCid = shared(cloud);
    pushProject(cloud, sharedCid);

    HttpResponse<String> r = cloud.get(HOST, "/content");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            new String(PUSHED, StandardCharsets.UTF_8)
                + "\n"
                + new String(SHARED, StandardCharsets.UTF_8));
    Cid pushed = UnixFs.cidOf(PUSHED);
    FileContentStore store = (FileContentStore) cloud.node().store();
    assertThat(store.owners(pushed)).contains(GuestContent.owner(PROJECT));
    // a CID nothing stored: 100
    assertThat(cloud.body(HOST, "/missing")).isEqualTo("200 100");

    var gc = cloud.node().gc(Duration.ZERO);
    assertThat(gc.report().skippedBecause()).isNull();
    assertThat(store.read(pushed)).isEqualTo(PUSHED);
    // every asset of the project's current snapshot is still there after a zero-grace gc
    var current = cloud.node().registry().current(new ProjectKey(PROJECT, "main")).orElseThrow();
    for (String asset : current.assets().values()) {
      assertThat(store.has(new Cid(asset))).as(asset).isTrue();
    }
    assertThat(cloud.body(HOST, "/callp2p")).isEqualTo("200 pong: Hello, world");
  }
}
