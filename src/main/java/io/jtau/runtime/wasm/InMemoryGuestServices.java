package io.jtau.runtime.wasm;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The conformance backend of §6.0: every {@code newDatabase} gets a fresh empty §5.1 store (1 GiB)
 * (or, with {@link #persistent()}, one store per project, application and name, kept for the life
 * of this object), globals are one fresh store per instance of this class, pubsub records
 * subscriptions and publications, no channel has WebSocket enabled unless listed, and p2p is the
 * §5.5 test node (every protocol opens, every command answers {@code {"data": {"replied":"Hello
 * from the other side"}}}, listening answers {@code /testproto/v1}, no peers are discovered). For
 * tests and {@code tau run}; thread-safe.
 */
public final class InMemoryGuestServices implements GuestServices {

  private final KeyValueStore globals = new InMemoryKeyValueStore(1L << 30);
  private final List<String> subscriptions = new ArrayList<>();
  private final List<Map.Entry<String, byte[]>> publications = new ArrayList<>();
  private final List<String> webSocketChannels;
  private final boolean persistent;
  private final Map<List<String>, KeyValueStore> databases = new HashMap<>();
  private final List<String> p2pSent = new ArrayList<>();

  public InMemoryGuestServices() {
    this(List.of());
  }

  /** A backend where the given channels have WebSocket enabled. */
  public InMemoryGuestServices(List<String> webSocketChannels) {
    this(webSocketChannels, false);
  }

  private InMemoryGuestServices(List<String> webSocketChannels, boolean persistent) {
    this.webSocketChannels = List.copyOf(webSocketChannels);
    this.persistent = persistent;
  }

  /**
   * A backend whose databases persist per (project, application, name), as production keeps them; a
   * guest of one project can never reach another project's store by naming it.
   */
  public static InMemoryGuestServices persistent() {
    return new InMemoryGuestServices(List.of(), true);
  }

  @Override
  public synchronized Optional<KeyValueStore> database(Invocation inv, String name) {
    if (!persistent) {
      return Optional.of(new InMemoryKeyValueStore(1L << 30));
    }
    return Optional.of(
        databases.computeIfAbsent(
            List.of(inv.project(), inv.application(), name),
            k -> new InMemoryKeyValueStore(1L << 30)));
  }

  @Override
  public Optional<P2PNode> p2p(Invocation inv) {
    return Optional.of(new TestP2PNode());
  }

  /** Data sent with p2p commands so far, as text, in order. */
  public synchronized List<String> p2pSent() {
    return List.copyOf(p2pSent);
  }

  /** The §5.5 test node. */
  private final class TestP2PNode implements P2PNode {
    @Override
    public boolean open(String protocol) {
      return true;
    }

    @Override
    public Map<String, Object> send(String protocol, String command, byte[] data, byte[] toPeer) {
      synchronized (InMemoryGuestServices.this) {
        p2pSent.add(new String(data, StandardCharsets.UTF_8));
      }
      return Map.of(
          "data", "{\"replied\":\"Hello from the other side\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<byte[]> discover(int max, Duration timeout) {
      return List.of();
    }

    @Override
    public String listen(String protocol) {
      return "/testproto/v1";
    }
  }

  @Override
  public Optional<KeyValueStore> globals(Invocation inv) {
    return Optional.of(globals);
  }

  @Override
  public synchronized boolean publish(Invocation inv, String channel, byte[] data) {
    publications.add(Map.entry(channel, data.clone()));
    return true;
  }

  @Override
  public synchronized boolean subscribe(Invocation inv, String channel) {
    subscriptions.add(channel);
    return true;
  }

  @Override
  public Optional<String> webSocketPath(Invocation inv, String channel) {
    if (!webSocketChannels.contains(channel)) {
      return Optional.empty();
    }
    String c = channel.startsWith("/") ? channel.substring(1) : channel;
    return Optional.of("ws-" + projectHash(inv.project(), inv.application()) + "/" + c);
  }

  /** Channels subscribed so far, in order. */
  public synchronized List<String> subscriptions() {
    return List.copyOf(subscriptions);
  }

  /** (channel, data) pairs published so far, in order. */
  public synchronized List<Map.Entry<String, byte[]>> publications() {
    return List.copyOf(publications);
  }

  /** The store behind the globals. */
  public KeyValueStore globalStore() {
    return globals;
  }

  /** {@code projectHash} of §5.4; see {@link PubSubMessage#projectHash}. */
  public static String projectHash(String project, String application) {
    return PubSubMessage.projectHash(project, application);
  }
}
