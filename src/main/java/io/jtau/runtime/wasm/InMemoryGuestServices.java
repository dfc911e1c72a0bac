package io.jtau.runtime.wasm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The conformance backend of §6.0: every {@code newDatabase} gets a fresh empty §5.1 store (1 GiB),
 * globals are one fresh store per instance of this class, pubsub records subscriptions and
 * publications, and no channel has WebSocket enabled unless listed. For tests and {@code tau run};
 * thread-safe.
 */
public final class InMemoryGuestServices implements GuestServices {

  private final KeyValueStore globals = new InMemoryKeyValueStore(1L << 30);
  private final List<String> subscriptions = new ArrayList<>();
  private final List<Map.Entry<String, byte[]>> publications = new ArrayList<>();
  private final List<String> webSocketChannels;

  public InMemoryGuestServices() {
    this(List.of());
  }

  /** A backend where the given channels have WebSocket enabled. */
  public InMemoryGuestServices(List<String> webSocketChannels) {
    this.webSocketChannels = List.copyOf(webSocketChannels);
  }

  @Override
  public Optional<KeyValueStore> database(Invocation inv, String name) {
    return Optional.of(new InMemoryKeyValueStore(1L << 30));
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

  /**
   * {@code projectHash} of §5.4: base58btc of the sha2-256 multihash of {@code project +
   * application}.
   */
  public static String projectHash(String project, String application) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((project + application).getBytes(StandardCharsets.UTF_8));
      byte[] mh = new byte[d.length + 2];
      mh[0] = 0x12;
      mh[1] = 0x20;
      System.arraycopy(d, 0, mh, 2, d.length);
      return Base58.encode(mh);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
