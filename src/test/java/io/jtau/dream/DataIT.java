package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jtau.app.HttpPort;
import io.jtau.app.Node;
import io.jtau.app.WebSocketBridge;
import io.jtau.model.ProjectKey;
import io.jtau.runtime.wasm.InMemoryGuestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data samples end to end on the in-process dream: the kv sample counts visits in its database,
 * the operator APIs read and write databases, storages and channels, the chat sample's WebSocket
 * bridge delivers messages and triggers its pubsub function, and 1,000 WebSocket clients come and
 * go. Prints the publish → WebSocket latency.
 */
@QuarkusTest
class DataIT {

  static final String KV_HOST = "kv-fhjuhn8z.g.dream.localhost";
  static final String CHAT_HOST = "chat-yc7vomoa.g.dream.localhost";
  static final String CHAT_ID = "QmXLvmH382dLG3QzQBeAAA8M7o8gseMepZHKFEYC7Vomoa";

  @Inject Node node;
  @Inject Dream dream;
  @Inject HttpPort port;
  @Inject WebSocketBridge bridge;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void ready() {
    await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                node.data().view(new ProjectKey("kv", "main")).isPresent()
                    && node.data().view(new ProjectKey("chat", "main")).isPresent());
  }

  String base() {
    return "http://127.0.0.1:" + port.get();
  }

  HttpResponse<byte[]> send(String method, String path, String host, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (host == null) {
      io.jtau.TestAuth.operator(b, node);
    } else {
      b.header("Host", host);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void kv_sample_counts_visits_and_the_operator_api_sees_them() throws Exception {
    HttpResponse<byte[]> first = send("GET", "/visits", KV_HOST, null);
    assertThat(first.statusCode()).as(text(first)).isEqualTo(200);
    int n = Integer.parseInt(text(first).replace("visits: ", "").strip());
    assertThat(text(send("GET", "/visits", KV_HOST, null))).isEqualTo("visits: " + (n + 1) + "\n");

    String keys = "/api/projects/kv/databases/visits/keys";
    HttpResponse<byte[]> count = send("GET", keys + "/count", null, null);
    assertThat(count.statusCode()).isEqualTo(200);
    assertThat(ByteBuffer.wrap(count.body()).order(ByteOrder.LITTLE_ENDIAN).getInt())
        .isEqualTo(n + 1);

    assertThat(send("PUT", keys + "/notes%2Ffirst", null, b("one")).statusCode()).isEqualTo(204);
    assertThat(send("PUT", keys + "/notes/second", null, b("two")).statusCode()).isEqualTo(204);
    assertThat(text(send("GET", keys + "/notes/first", null, null))).isEqualTo("one");
    assertThat(text(send("GET", keys + "?prefix=notes", null, null)))
        .contains("\"keys\":[\"notes/first\",\"notes/second\"]")
        .contains("\"quotaBytes\":1048576");
    assertThat(send("DELETE", keys + "/notes/first", null, null).statusCode()).isEqualTo(204);
    HttpResponse<byte[]> gone = send("GET", keys + "/notes/first", null, null);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(text(gone)).isEqualTo("no key notes/first in database visits\n");

    HttpResponse<byte[]> full = send("PUT", keys + "/big", null, new byte[2 * 1024 * 1024]);
    assertThat(full.statusCode()).isEqualTo(507);
    assertThat(text(full)).startsWith("database visits is full: quota 1048576 bytes");

    // the CLI against the live node
    var put =
        io.jtau.app.cli.DbCommandTest.run(
            "db",
            "put",
            "--node",
            base(),
            "--token",
            io.jtau.TestAuth.operatorToken(node),
            "--project",
            "kv",
            "visits",
            "cli/key",
            "from the cli");
    assertThat(put.exit()).as(put.err()).isZero();
    assertThat(
            io.jtau.app.cli.DbCommandTest.run(
                    "db",
                    "get",
                    "--node",
                    base(),
                    "--token",
                    io.jtau.TestAuth.operatorToken(node),
                    "--project",
                    "kv",
                    "visits",
                    "cli/key")
                .out())
        .isEqualTo("from the cli");
    assertThat(
            io.jtau.app.cli.DbCommandTest.run(
                    "db",
                    "list",
                    "--node",
                    base(),
                    "--token",
                    io.jtau.TestAuth.operatorToken(node),
                    "--project",
                    "kv",
                    "visits",
                    "cli/")
                .out())
        .isEqualTo("cli/key\n");

    // isolation and bad names over HTTP
    HttpResponse<byte[]> other =
        send("GET", "/api/projects/chat/databases/visits/keys/count", null, null);
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(text(other)).isEqualTo("no database of project chat matches the name visits\n");
    assertThat(
            send("GET", "/api/projects/nope/databases/visits/keys/count", null, null).statusCode())
        .isEqualTo(404);
    assertThat(
            send("GET", "/api/projects/kv/databases/..%2Fchat%2Fchatlog/keys/last", null, null)
                .statusCode())
        .isEqualTo(404);
    assertThat(text(send("GET", keys + "?limit=0", null, null)))
        .isEqualTo("limit must be 1..100000, got 0\n");
  }

  @Test
  void object_storage_over_http_with_versions_and_quota() throws Exception {
    String objs = "/api/projects/kv/storages/files/objects";
    HttpResponse<byte[]> v1 = send("PUT", objs + "/docs/readme.txt", null, b("first"));
    assertThat(v1.statusCode()).as(text(v1)).isEqualTo(200);
    assertThat(text(v1)).contains("\"version\":");
    send("PUT", objs + "/docs/readme.txt", null, b("second"));
    assertThat(text(send("GET", objs + "/docs/readme.txt", null, null))).isEqualTo("second");
    HttpResponse<byte[]> versions =
        send("GET", "/api/projects/kv/storages/files/versions/docs/readme.txt", null, null);
    assertThat(text(versions)).contains("\"size\":5").contains("\"size\":6");
    assertThat(text(send("GET", objs + "?prefix=docs/", null, null))).contains("docs/readme.txt");
    HttpResponse<byte[]> over = send("PUT", objs + "/big", null, new byte[70 * 1024]);
    assertThat(over.statusCode()).isEqualTo(507);
    assertThat(text(over)).contains("over its quota");
    assertThat(send("DELETE", objs + "/docs/readme.txt", null, null).statusCode()).isEqualTo(204);
    assertThat(send("GET", objs + "/docs/readme.txt", null, null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/api/projects/chat/storages/files/objects", null, null).statusCode())
        .isEqualTo(404);
  }

  /** A WebSocket client collecting text messages. */
  static final class Client implements WebSocket.Listener {
    final BlockingQueue<String> got = new LinkedBlockingQueue<>();
    final StringBuilder part = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      part.append(data);
      if (last) {
        got.add(part.toString());
        part.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  /** Connects and waits until the node subscribed the socket to its channel. */
  WebSocket connect(String path, Client c) throws Exception {
    int before = node.data().broker().subscriberCount();
    WebSocket ws =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(URI.create("ws://127.0.0.1:" + port.get() + "/" + path), c)
            .get(20, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.data().broker().subscriberCount() > before);
    return ws;
  }

  @Test
  void chat_sample_bridges_websockets_and_triggers_its_function() throws Exception {
    HttpResponse<byte[]> url = send("GET", "/chat/url", CHAT_HOST, null);
    String hash = InMemoryGuestServices.projectHash(CHAT_ID, "");
    assertThat(text(url)).isEqualTo("ws-" + hash + "/chat");
    Client a = new Client();
    Client b = new Client();
    WebSocket wa = connect(text(url), a);
    WebSocket wb = connect(text(url), b);
    wa.sendText("hi from a", true).get(10, TimeUnit.SECONDS);
    assertThat(b.got.poll(20, TimeUnit.SECONDS)).isEqualTo("hi from a");
    HttpResponse<byte[]> pub =
        send("POST", "/api/projects/chat/channels/chat", null, b("hello room"));
    assertThat(pub.statusCode()).as(text(pub)).isEqualTo(200);
    assertThat(b.got.poll(20, TimeUnit.SECONDS)).isEqualTo("hello room");
    assertThat(a.got.poll(20, TimeUnit.SECONDS))
        .as("a never gets its own frame")
        .isEqualTo("hello room");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> text(send("GET", "/chat/last", CHAT_HOST, null)).equals("hello room"));

    assertThat(send("POST", "/api/projects/chat/channels/elsewhere", null, b("x")).statusCode())
        .isEqualTo(404);
    assertThat(send("POST", "/api/projects/kv/channels/chat", null, b("x")).statusCode())
        .isEqualTo(404);
    HttpResponse<byte[]> noSocket = send("GET", "/ws-" + hash + "/elsewhere", null, null);
    assertThat(noSocket.statusCode()).as("not an upgrade: falls through").isEqualTo(404);
    wa.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    wb.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_thousand_websocket_clients_connect_and_leave() throws Exception {
    String path = "ws-" + InMemoryGuestServices.projectHash(CHAT_ID, "") + "/chat";
    int before = bridge.openSockets();
    int subscribersBefore = node.data().broker().subscriberCount();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    int total = 0;
    for (int round = 0; round < 20 && System.nanoTime() < deadline; round++) {
      List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        opening.add(
            http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create("ws://127.0.0.1:" + port.get() + "/" + path), new Client()));
      }
      List<WebSocket> open = new ArrayList<>();
      for (CompletableFuture<WebSocket> f : opening) {
        open.add(f.get(30, TimeUnit.SECONDS));
      }
      total += open.size();
      for (WebSocket ws : open) {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
      }
    }
    assertThat(total).isEqualTo(1000);
    await().atMost(Duration.ofSeconds(60)).until(() -> bridge.openSockets() == before);
    assertThat(node.data().broker().subscriberCount()).isEqualTo(subscribersBefore);
    // the node still serves after the churn
    assertThat(send("GET", "/chat/url", CHAT_HOST, null).statusCode()).isEqualTo(200);
  }

  @Test
  void publish_to_websocket_latency() throws Exception {
    String path = "ws-" + InMemoryGuestServices.projectHash(CHAT_ID, "") + "/chat";
    Client c = new Client();
    WebSocket ws = connect(path, c);
    ProjectKey chat = new ProjectKey("chat", "main");
    int n = 2000;
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      assertThat(node.data().publish(chat, "", "chat", "bench", b("m" + i))).isNull();
      String got = c.got.poll(10, TimeUnit.SECONDS);
      nanos[i] = System.nanoTime() - t0;
      assertThat(got).isEqualTo("m" + i);
    }
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    long[] warm = Arrays.copyOfRange(nanos, 200, n);
    Arrays.sort(warm);
    double p50 = warm[warm.length / 2] / 1e3;
    double p99 = warm[(int) (warm.length * 0.99)] / 1e3;
    String line =
        String.format(
            "publish -> websocket delivery latency over %d messages: p50 %.0f us, p99 %.0f us%n",
            warm.length, p50, p99);
    System.out.print(line);
    Files.writeString(Path.of("target", "pubsub-websocket-latency.txt"), line);
  }
}
