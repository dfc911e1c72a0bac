package io.jtau.app;

import io.jtau.runtime.pubsub.Broker;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket bridge of messaging channels (guest-abi §5.4): a WebSocket upgrade on {@code
 * /ws-<projectHash>/<channel>} (any host) joins the channel when one of that project's messaging
 * resources matches it with {@code bridges.websocket.enable: true}. Every message published on the
 * channel (by functions, over HTTP, by other sockets) is sent to the socket — as a text frame when
 * it is valid UTF-8, else binary — and every frame the socket sends is published on the channel,
 * never echoed back to its sender.
 *
 * <p>Each socket is one broker subscriber with a bounded buffer (drop oldest); a socket whose
 * network write queue is full also drops (counted in {@link #dropped()}), so a slow client never
 * slows publishers or other clients. Requests on these paths that are not upgrades fall through to
 * the gateway.
 */
@ApplicationScoped
public class WebSocketBridge {

  /** Messages buffered per socket before the oldest is dropped. */
  static final int SOCKET_BUFFER = 256;

  /** Most sockets open at once on this node. */
  static final int MAX_SOCKETS = 20_000;

  @Inject Node node;

  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  void install(@Observes Router router) {
    router
        .routeWithRegex("^/ws-([1-9A-HJ-NP-Za-km-z]+)/(.+)$")
        .order(Integer.MIN_VALUE + 50)
        .handler(this::handle);
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      ctx.next();
      return;
    }
    String hash = ctx.pathParam("param0");
    String channel = ctx.pathParam("param1");
    var target = node.data().socket(hash, channel, node.config().branches());
    if (target.isEmpty()) {
      ErrorAnswers.plain(
          ctx, node, 404, "no WebSocket-enabled channel " + channel + " for " + hash + "\n");
      return;
    }
    if (open.incrementAndGet() > MAX_SOCKETS) {
      open.decrementAndGet();
      ErrorAnswers.plain(ctx, node, 503, "too many WebSocket connections\n");
      return;
    }
    req.toWebSocket()
        .onFailure(e -> open.decrementAndGet())
        .onSuccess(ws -> attach(ws, target.get()));
  }

  private void attach(ServerWebSocket ws, DataPlane.SocketTarget target) {
    String id = "ws:" + ids.incrementAndGet();
    Broker broker = node.data().broker();
    Broker.Subscription sub =
        broker.subscribe(
            target.topic(),
            id,
            SOCKET_BUFFER,
            m -> {
              if (ws.isClosed()) {
                return;
              }
              if (ws.writeQueueFull()) {
                dropped.incrementAndGet();
                return;
              }
              String text = utf8(m.data());
              if (text != null) {
                ws.writeTextMessage(text);
              } else {
                ws.writeBinaryMessage(Buffer.buffer(m.data()));
              }
            });
    ws.closeHandler(
        v -> {
          sub.close();
          open.decrementAndGet();
        });
    ws.exceptionHandler(e -> ws.close());
    ws.textMessageHandler(
        t -> broker.publish(target.topic(), id, t.getBytes(StandardCharsets.UTF_8)));
    ws.binaryMessageHandler(b -> broker.publish(target.topic(), id, b.getBytes()));
  }

  /** Sockets open now. */
  public int openSockets() {
    return open.get();
  }

  /** Messages not sent because a socket's network write queue was full. */
  public long dropped() {
    return dropped.get();
  }

  private static String utf8(byte[] data) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
