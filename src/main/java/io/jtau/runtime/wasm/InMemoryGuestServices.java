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
  private final boolean unixFsCids;
  private final long storageCapacity;
  private final Map<List<String>, KeyValueStore> databases = new HashMap<>();
  private final Map<List<String>, FileStorage> storages = new HashMap<>();
  private final Map<String, byte[]> contents = new HashMap<>();
  private final ContentStore contentStore = new MapContentStore();
  private final List<String> p2pSent = new ArrayList<>();

  public InMemoryGuestServices() {
    this(List.of());
  }

  /** A backend where the given channels have WebSocket enabled. */
  public InMemoryGuestServices(List<String> webSocketChannels) {
    this(webSocketChannels, false, false, 1L << 20);
  }

  private InMemoryGuestServices(
      List<String> webSocketChannels,
      boolean persistent,
      boolean unixFsCids,
      long storageCapacity) {
    this.webSocketChannels = List.copyOf(webSocketChannels);
    this.persistent = persistent;
    this.unixFsCids = unixFsCids;
    this.storageCapacity = storageCapacity;
  }

  /**
   * A copy of this configuration (not of the data) whose storages and content store compute
   * production CIDs (CIDv1 dag-pb UnixFS, §5.3) instead of tau's raw test CIDs, with the given
   * storage capacity in bytes.
   */
  public InMemoryGuestServices withUnixFsCids(long storageCapacity) {
    return new InMemoryGuestServices(webSocketChannels, persistent, true, storageCapacity);
  }

  /**
   * A backend whose databases persist per (project, application, name), as production keeps them; a
   * guest of one project can never reach another project's store by naming it.
   */
  public static InMemoryGuestServices persistent() {
    return new InMemoryGuestServices(List.of(), true, false, 1L << 20);
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
  public synchronized Optional<FileStorage> storage(Invocation inv, String name, boolean create) {
    if (!persistent) {
      // §5.3 test store: fresh and empty for every storageNew/storageGet
      return Optional.of(new InMemoryFileStorage(storageCapacity, unixFsCids, contentStore));
    }
    List<String> key = List.of(inv.project(), inv.application(), name);
    FileStorage existing = storages.get(key);
    if (existing == null && create) {
      existing = new InMemoryFileStorage(storageCapacity, unixFsCids, contentStore);
      storages.put(key, existing);
    }
    return Optional.ofNullable(existing);
  }

  @Override
  public Optional<ContentStore> content(Invocation inv) {
    return Optional.of(contentStore);
  }

  /** Content by CID, shared by every storage of this backend. */
  private final class MapContentStore implements ContentStore {
    @Override
    public byte[] add(byte[] data) {
      byte[] cid = unixFsCids ? Cids.unixFs(data) : Cids.raw(data);
      synchronized (InMemoryGuestServices.this) {
        contents.put(java.util.HexFormat.of().formatHex(cid), data.clone());
      }
      return cid;
    }

    @Override
    public byte[] get(byte[] cid) {
      synchronized (InMemoryGuestServices.this) {
        byte[] b = contents.get(java.util.HexFormat.of().formatHex(cid));
        return b == null ? null : b.clone();
      }
    }
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
