package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.Guests.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * §6.4 and §6.5 conformance: PubSub and P2P events and the P2P node, with WAT guests of our own
 * doing what {@code pubsub}, {@code pubsub_method}, {@code p2p}, {@code p2p_method}, {@code
 * p2p_write} and {@code p2p_listen} do, against the §5.5 test node; in compiled and interpreted
 * modes.
 */
class EventConformanceTest {

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
      (import "taubyte/sdk" "getEventType" (func $type (param i32 i32)))
      (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getMessageDataSize" (func $mdSize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getMessageData" (func $md (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getMessageChannelSize" (func $mcSize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getMessageChannel" (func $mc (param i32 i32) (result i32)))
      (import "taubyte/sdk" "publishToChannel" (func $pub (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "setSubscriptionChannel" (func $sub (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getP2PEventCommandSize" (func $pcSize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getP2PEventCommand" (func $pc (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getP2PEventDataSize" (func $pdSize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getP2PEventData" (func $pd (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getP2PEventProtocolSize" (func $ppSize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getP2PEventProtocol" (func $pp (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getP2PEventFrom" (func $from (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getP2PEventTo" (func $to (param i32 i32) (result i32)))
      (import "taubyte/sdk" "writeP2PResponse" (func $respond (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "newCommand" (func $cmd (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "sendCommand" (func $send (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "sendCommandTo" (func $sendTo (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "readCommandResponse" (func $reply (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "discoverPeersSize" (func $discSize (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "discoverPeers" (func $disc (param i32 i32) (result i32)))
      (import "taubyte/sdk" "listenToProtocolSize" (func $listenSize (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "listenToProtocol" (func $listen (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 2)
      (func $w (param $ev i32) (param $p i32) (param $n i32)
        (drop (call $write (local.get $ev) (local.get $p) (local.get $n) (i32.const 8))))
      (func $check (param $c i32) (if (i32.eqz (local.get $c)) (then unreachable)))
      ;; compares n bytes at a and b
      (func $eq (param $a i32) (param $b i32) (param $n i32) (result i32) (local $i i32)
        (block $no (loop $l
          (if (i32.ge_u (local.get $i) (local.get $n)) (then (return (i32.const 1))))
          (br_if $no (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i)))
                             (i32.load8_u (i32.add (local.get $b) (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (i32.const 0))
      """;

  static String module(String data, String body) {
    return "(module\n"
        + PRELUDE
        + data
        + "\n(func (export \"call\") (param $ev i32) (result i32)\n"
        + body
        + "))";
  }

  static Invocation inv(GuestServices services) {
    return new Invocation(
        "proj-123",
        "app-456",
        "res-789",
        "commit-abc",
        "master",
        "call",
        0,
        10_000_000_000L,
        services);
  }

  static CompiledModule compile(WasmRuntime rt, String wat) {
    return Guests.compile(rt, wat);
  }

  /** pubsub.wasm (d) and pubsub_method.wasm: channel check, then data check decides the result. */
  static final String SUBSCRIBER =
      module(
          """
          (data (i32.const 100) "someChannel")
          (data (i32.const 120) "Hello, world")
          """,
          """
          (call $type (local.get $ev) (i32.const 16))
          (call $check (i32.eq (i32.load (i32.const 16)) (i32.const 2)))
          (call $check (i32.eqz (call $mcSize (local.get $ev) (i32.const 20))))
          (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 11)))
          (call $check (i32.eqz (call $mc (local.get $ev) (i32.const 1000))))
          (call $check (call $eq (i32.const 1000) (i32.const 100) (i32.const 11)))
          (call $check (i32.eqz (call $mdSize (local.get $ev) (i32.const 24))))
          (call $check (i32.eqz (call $md (local.get $ev) (i32.const 2000))))
          (if (result i32) (i32.and (i32.eq (i32.load (i32.const 24)) (i32.const 12))
                                    (call $eq (i32.const 2000) (i32.const 120) (i32.const 12)))
            (then (i32.const 0)) (else (i32.const 1)))
          """);

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void pubsubEventCarriesChannelAndData(ExecutionMode mode) {
    WasmRuntime rt = rt(mode);
    CompiledModule m = compile(rt, SUBSCRIBER);
    InMemoryGuestServices s = new InMemoryGuestServices();

    EventResult hit =
        rt.invokePubSub(
            m,
            inv(s),
            PubSubMessage.on("proj-123", "app-456", "someChannel", bytes("Hello, world")));
    EventResult other =
        rt.invokePubSub(
            m, inv(s), PubSubMessage.on("proj-123", "app-456", "someChannel", bytes("other")));
    EventResult wrongChannel =
        rt.invokePubSub(
            m, inv(s), PubSubMessage.on("proj-123", "app-456", "otherChannel", bytes("x")));
    EventResult slashInChannel =
        rt.invokePubSub(
            m, inv(s), PubSubMessage.on("proj-123", "app-456", "some/Channel", bytes("x")));

    assertThat(hit.ok()).isTrue();
    assertThat(hit.result()).isZero();
    assertThat(other.ok()).isTrue();
    assertThat(other.result()).isEqualTo(1);
    assertThat(wrongChannel.ok()).isFalse();
    assertThat(wrongChannel.reason()).startsWith("trap");
    // a channel containing '/' cannot be read: getMessageChannelSize answers 40 and the guest traps
    assertThat(slashInChannel.ok()).isFalse();
    assertThat(PubSubMessage.on("proj-123", "app-456", "c", new byte[0]).topic())
        .isEqualTo("QmRPV8x4UtEg7w9qmnQU2xKW2FGazsPmxPfHG2MeQLKwNC/c");
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void eventGettersRefuseTheWrongEventKind(ExecutionMode mode) {
    WasmRuntime rt = rt(mode);
    String wat =
        module(
            "(data (i32.const 0) \"okno\")",
            """
            ;; HTTP event: pubsub and p2p getters answer 4, unknown event ids 1
            (call $check (i32.eq (call $mdSize (local.get $ev) (i32.const 20)) (i32.const 4)))
            (call $check (i32.eq (call $mcSize (local.get $ev) (i32.const 20)) (i32.const 4)))
            (call $check (i32.eq (call $pdSize (local.get $ev) (i32.const 20)) (i32.const 4)))
            (call $check (i32.eq (call $respond (local.get $ev) (i32.const 0) (i32.const 2)) (i32.const 4)))
            (call $check (i32.eq (call $mdSize (i32.const 7) (i32.const 20)) (i32.const 1)))
            (call $check (i32.eq (call $from (i32.const 7) (i32.const 20)) (i32.const 1)))
            (call $w (local.get $ev) (i32.const 0) (i32.const 2))
            (i32.const 0)
            """);
    HttpResponse r = rt.invokeHttp(compile(rt, wat), inv(GuestServices.none()), get("/"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("ok");
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void httpGuestPublishesAndSubscribesLikePubsubMethod(ExecutionMode mode) {
    WasmRuntime rt = rt(mode);
    String wat =
        module(
            """
            (data (i32.const 100) "someChannel")
            (data (i32.const 120) "Hello, world")
            (data (i32.const 140) "Success")
            """,
            """
            (call $check (i32.eqz (call $sub (i32.const 100) (i32.const 11))))
            (call $check (i32.eqz (call $pub (i32.const 100) (i32.const 11) (i32.const 120) (i32.const 12))))
            (call $w (local.get $ev) (i32.const 140) (i32.const 7))
            (i32.const 0)
            """);
    InMemoryGuestServices s = new InMemoryGuestServices();
    HttpResponse r = rt.invokeHttp(compile(rt, wat), inv(s), get("/"));
    HttpResponse refused = rt.invokeHttp(compile(rt, wat), inv(GuestServices.none()), get("/"));

    assertThat(r.bodyText()).isEqualTo("Success");
    assertThat(s.subscriptions()).containsExactly("someChannel");
    assertThat(s.publications()).hasSize(1);
    assertThat(text(s.publications().get(0).getValue())).isEqualTo("Hello, world");
    assertThat(refused.status()).isEqualTo(500); // 20 from setSubscriptionChannel, guest traps
  }

  /** p2p.wasm, HTTP side: sends someCommand on /testproto/v1 and writes the reply. */
  static final String P2P_CALLER =
      module(
          """
          (data (i32.const 100) "/testproto/v1")
          (data (i32.const 120) "someCommand")
          (data (i32.const 140) "{\\"something_sent\\":\\"Hello, world!\\",\\"something_responded\\":\\"\\",\\"from\\":\\"\\"}")
          """,
          """
          (call $check (i32.eqz (call $cmd (i32.const 100) (i32.const 13) (i32.const 120) (i32.const 11) (i32.const 16))))
          (call $check (i32.eqz (i32.load (i32.const 16))))
          (call $check (i32.eqz (call $send (i32.load (i32.const 16)) (i32.const 140) (i32.const 68) (i32.const 20))))
          ;; the fill checks the exact length
          (call $check (i32.eq (call $reply (i32.load (i32.const 16)) (i32.const 1000) (i32.const 3)) (i32.const 89)))
          (call $check (i32.eq (call $reply (i32.const 9) (i32.const 1000) (i32.load (i32.const 20))) (i32.const 10)))
          (call $check (i32.eqz (call $reply (i32.load (i32.const 16)) (i32.const 1000) (i32.load (i32.const 20)))))
          (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 20)))
          (i32.const 0)
          """);

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void p2pCommandReachesTheTestNodeAndTheReplyIsWritten(ExecutionMode mode) {
    WasmRuntime rt = rt(mode);
    InMemoryGuestServices s = new InMemoryGuestServices();
    HttpResponse r = rt.invokeHttp(compile(rt, P2P_CALLER), inv(s), get("/p2p"));
    HttpResponse noNode =
        rt.invokeHttp(compile(rt, P2P_CALLER), inv(GuestServices.none()), get("/p2p"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{\"replied\":\"Hello from the other side\"}");
    assertThat(s.p2pSent()).hasSize(1);
    assertThat(s.p2pSent().get(0)).startsWith("{\"something_sent\":\"Hello, world!\"");
    assertThat(noNode.status()).isEqualTo(500);
  }

  /**
   * p2p.wasm / p2p_write.wasm, P2P side: reads command, protocol, from, to and data; answers with
   * "Hello from the other side" when the data is "Hello, world", else result 1 (p2p_method).
   */
  static final String P2P_SERVER =
      module(
          """
          (data (i32.const 100) "ping")
          (data (i32.const 120) "/test/v1")
          (data (i32.const 140) "Hello, world")
          (data (i32.const 160) "Hello from the other side")
          (data (i32.const 200) "didn't get expected data")
          """,
          """
          (call $type (local.get $ev) (i32.const 16))
          (call $check (i32.eq (i32.load (i32.const 16)) (i32.const 3)))
          (call $check (i32.eqz (call $pcSize (local.get $ev) (i32.const 20))))
          (call $check (i32.eqz (call $pc (local.get $ev) (i32.const 1000))))
          (call $check (i32.eq (i32.load (i32.const 20)) (i32.const 4)))
          (call $check (call $eq (i32.const 1000) (i32.const 100) (i32.const 4)))
          (call $check (i32.eqz (call $ppSize (local.get $ev) (i32.const 20))))
          (call $check (i32.eqz (call $pp (local.get $ev) (i32.const 1000))))
          (call $check (call $eq (i32.const 1000) (i32.const 120) (i32.const 8)))
          ;; peer ids as CIDs into 64-byte buffers: CIDv1 libp2p-key
          (call $check (i32.eqz (call $from (local.get $ev) (i32.const 3000))))
          (call $check (i32.eq (i32.load16_u (i32.const 3000)) (i32.const 0x7201)))
          (call $check (i32.eqz (call $to (local.get $ev) (i32.const 3100))))
          (call $check (i32.eq (i32.load8_u (i32.const 3104)) (i32.const 0x42)))
          (call $check (i32.eqz (call $pdSize (local.get $ev) (i32.const 24))))
          (call $check (i32.eqz (call $pd (local.get $ev) (i32.const 2000))))
          (if (i32.and (i32.eq (i32.load (i32.const 24)) (i32.const 12))
                       (call $eq (i32.const 2000) (i32.const 140) (i32.const 12)))
            (then
              (call $check (i32.eqz (call $respond (local.get $ev) (i32.const 160) (i32.const 25))))
              (return (i32.const 0))))
          (drop (call $respond (local.get $ev) (i32.const 200) (i32.const 24)))
          (i32.const 1)
          """);

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void p2pEventIsReadAndAnswered(ExecutionMode mode) {
    WasmRuntime rt = rt(mode);
    CompiledModule m = compile(rt, P2P_SERVER);
    byte[] from = P2PRequest.peerId(bytes("A-peer"));
    byte[] to = P2PRequest.peerId(bytes("B-peer"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", bytes("Hello, world"));
    body.put("protocol", "/test/v1");

    EventResult ok =
        rt.invokeP2P(m, inv(GuestServices.none()), new P2PRequest("ping", body, from, to));
    body.put("data", bytes("something else"));
    EventResult other =
        rt.invokeP2P(m, inv(GuestServices.none()), new P2PRequest("ping", body, from, to));
    body.remove("protocol");
    EventResult noProtocol =
        rt.invokeP2P(m, inv(GuestServices.none()), new P2PRequest("ping", body, from, to));
    body.put("protocol", "/test/v1");
    body.put("command", "ping");
    EventResult renamed =
        rt.invokeP2P(
            m, inv(GuestServices.none()), new P2PRequest("renamed-by-body", body, from, to));

    assertThat(ok.ok()).isTrue();
    assertThat(ok.result()).isZero();
    assertThat(text(ok.responseData())).isEqualTo("Hello from the other side");
    assertThat(other.result()).isEqualTo(1);
    assertThat(text(other.responseData())).isEqualTo("didn't get expected data");
    assertThat(noProtocol.ok()).isFalse(); // 45, the guest traps
    assertThat(renamed.ok()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void p2pDataWithoutADataEntryIsTheJsonOfTheBody(ExecutionMode mode) {
    WasmRuntime rt = rt(mode);
    String wat =
        module(
            "",
            """
            (call $check (i32.eqz (call $pdSize (local.get $ev) (i32.const 24))))
            (call $check (i32.eqz (call $pd (local.get $ev) (i32.const 2000))))
            (call $check (i32.eqz (call $respond (local.get $ev) (i32.const 2000) (i32.load (i32.const 24)))))
            (call $check (i32.eq (call $from (local.get $ev) (i32.const 100)) (i32.const 46)))
            (call $check (i32.eq (call $to (local.get $ev) (i32.const 100)) (i32.const 47)))
            (call $check (i32.eq (call $pp (local.get $ev) (i32.const 100)) (i32.const 45)))
            (i32.const 0)
            """);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("z", "<x>");
    body.put("a", bytes("hi"));
    EventResult r =
        rt.invokeP2P(
            compile(rt, wat), inv(GuestServices.none()), new P2PRequest("c", body, null, null));

    assertThat(r.ok()).isTrue();
    assertThat(text(r.responseData())).isEqualTo("{\"a\":\"aGk=\",\"z\":\"\\u003cx\\u003e\"}");
  }

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void listenDiscoverAndSendToLikeP2pListen(ExecutionMode mode) {
    WasmRuntime rt = rt(mode);
    String wat =
        module(
            """
            (data (i32.const 100) "/testproto/v1")
            (data (i32.const 120) "ping")
            (data (i32.const 140) "Hello, world")
            """,
            """
            (call $check (i32.eqz (call $listenSize (i32.const 100) (i32.const 13) (i32.const 20))))
            (call $check (i32.eq (call $listen (i32.const 0) (i32.const 0) (i32.const 1000) (i32.const 3)) (i32.const 8)))
            (call $check (i32.eqz (call $listen (i32.const 0) (i32.const 0) (i32.const 1000) (i32.load (i32.const 20)))))
            (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 20)))
            ;; the test node discovers no peers: an empty bytes-list
            (call $check (i32.eqz (call $discSize (i32.const 1) (i32.const 2000000000) (i32.const 24) (i32.const 28))))
            (call $check (i32.eqz (i32.load (i32.const 24))))
            (call $check (i32.eqz (i32.load (i32.const 28))))
            (call $check (i32.eqz (call $disc (i32.const 5) (i32.const 1000))))
            ;; sendCommandTo a CID read from a 64-byte buffer; garbage there is 19
            (call $check (i32.eqz (call $cmd (i32.const 100) (i32.const 13) (i32.const 120) (i32.const 4) (i32.const 16))))
            (i32.store (i32.const 3000) (i32.const 0x20127201))
            (i32.store8 (i32.const 3004) (i32.const 0))
            (call $check (i32.eqz (call $sendTo (i32.load (i32.const 16)) (i32.const 3000) (i32.const 140) (i32.const 12) (i32.const 20))))
            (i32.store (i32.const 3000) (i32.const 0xffffffff))
            (call $check (i32.eq (call $sendTo (i32.load (i32.const 16)) (i32.const 3000) (i32.const 140) (i32.const 12) (i32.const 20)) (i32.const 19)))
            (call $check (i32.eq (call $sendTo (i32.load (i32.const 16)) (i32.const 131070) (i32.const 140) (i32.const 12) (i32.const 20)) (i32.const 3)))
            (i32.const 0)
            """);
    InMemoryGuestServices s = new InMemoryGuestServices();
    HttpResponse r = rt.invokeHttp(compile(rt, wat), inv(s), get("/"));

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("/testproto/v1");
    assertThat(s.p2pSent()).containsExactly("Hello, world");
  }

  /**
   * multi_pubsub.wasm / pubsub.wasm (d): a PubSub event whose data is "Hello, world" makes the
   * guest POST to a local server (reachable only with the test egress exception).
   */
  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void pubsubEventTriggersAnHttpCallLikeMultiPubsub(ExecutionMode mode) throws Exception {
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    java.util.List<String> hits = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.createContext(
        "/multi_pubsub",
        ex -> {
          hits.add(ex.getRequestMethod());
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/multi_pubsub";
    String wat =
        """
        (module
          (import "taubyte/sdk" "getMessageDataSize" (func $mdSize (param i32 i32) (result i32)))
          (import "taubyte/sdk" "getMessageData" (func $md (param i32 i32) (result i32)))
          (import "taubyte/sdk" "newHttpClient" (func $client (param i32) (result i32)))
          (import "taubyte/sdk" "newHttpRequest" (func $request (param i32 i32) (result i32)))
          (import "taubyte/sdk" "setHttpRequestURL" (func $url (param i32 i32 i32 i32) (result i32)))
          (import "taubyte/sdk" "setHttpRequestMethod" (func $method (param i32 i32 i32) (result i32)))
          (import "taubyte/sdk" "doHttpRequest" (func $send (param i32 i32) (result i32)))
          (import "taubyte/sdk" "closeHttpResponseBody" (func $close (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 100) "%s")
          (func (export "call") (param $ev i32) (result i32)
            (drop (call $mdSize (local.get $ev) (i32.const 16)))
            (if (i32.ne (i32.load (i32.const 16)) (i32.const 12)) (then (return (i32.const 0))))
            (drop (call $client (i32.const 20)))
            (drop (call $request (i32.load (i32.const 20)) (i32.const 24)))
            (drop (call $url (i32.load (i32.const 20)) (i32.load (i32.const 24)) (i32.const 100) (i32.const %d)))
            (drop (call $method (i32.load (i32.const 20)) (i32.load (i32.const 24)) (i32.const 2)))
            (if (i32.ne (call $send (i32.load (i32.const 20)) (i32.load (i32.const 24))) (i32.const 0))
              (then (return (i32.const 13))))
            (drop (call $close (i32.load (i32.const 20)) (i32.load (i32.const 24))))
            (i32.const 0)))
        """
            .formatted(url, url.length());
    try (WasmRuntime open =
            new WasmRuntime(
                WasmRuntimeConfig.defaults()
                    .withWorkers(1)
                    .withMode(mode)
                    .withEgress(EgressPolicy.allowAll()));
        WasmRuntime guarded =
            new WasmRuntime(WasmRuntimeConfig.defaults().withWorkers(1).withMode(mode))) {
      PubSubMessage hello =
          PubSubMessage.on("proj-123", "app-456", "someChannel", bytes("Hello, world"));
      EventResult posted = open.invokePubSub(compile(open, wat), inv(GuestServices.none()), hello);
      EventResult ignored =
          open.invokePubSub(
              compile(open, wat),
              inv(GuestServices.none()),
              PubSubMessage.on("proj-123", "app-456", "someChannel", bytes("other")));
      EventResult denied =
          guarded.invokePubSub(compile(guarded, wat), inv(GuestServices.none()), hello);

      assertThat(posted.ok()).isTrue();
      assertThat(posted.result()).isZero();
      assertThat(ignored.result()).isZero();
      assertThat(hits).containsExactly("POST");
      assertThat(denied.result()).isEqualTo(13);
    } finally {
      server.stop(0);
    }
  }

  /** §6.6: eth.wasm, eth_sign.wasm and ipfs.wasm import functions tau core no longer offers. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"ethNew", "ethHexToECDSA", "newIpfsClient"})
  void legacyEthAndIpfsImportsAreUnlinkable(String name) {
    byte[] w =
        Guests.wasm(
            "(module (import \"taubyte/sdk\" \""
                + name
                + "\" (func (param i32) (result i32))) (memory (export \"memory\") 1)"
                + " (func (export \"call\") (param i32)))");
    WasmRuntime rt = rt(ExecutionMode.COMPILED);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> rt.compile(Guests.cidOf(w), w))
        .isInstanceOfSatisfying(
            WasmException.class,
            e -> assertThat(e.phase()).isEqualTo(WasmException.Phase.UNLINKABLE))
        .hasMessageContaining("taubyte/sdk." + name);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
