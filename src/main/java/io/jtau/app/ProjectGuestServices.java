package io.jtau.app;

import io.jtau.model.ProjectKey;
import io.jtau.runtime.kv.KvDatabase;
import io.jtau.runtime.wasm.EventResult;
import io.jtau.runtime.wasm.GuestServices;
import io.jtau.runtime.wasm.Invocation;
import io.jtau.runtime.wasm.KeyValueStore;
import io.jtau.runtime.wasm.P2PNode;
import io.jtau.runtime.wasm.P2PRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code taubyte/sdk} backends of one project branch: databases, globals and pub/sub of the
 * {@link DataPlane}. Bound to the {@link ProjectKey} of the route that invoked the function, so the
 * guest's identity comes from the node, not from the invocation's fields; an invocation whose
 * project id is not the key's current project id gets nothing. Thread-safe; calls block on durable
 * writes (bounded by the store's write timeout).
 */
final class ProjectGuestServices implements GuestServices {

  private final DataPlane data;
  private final ProjectKey key;

  ProjectGuestServices(DataPlane data, ProjectKey key) {
    this.data = data;
    this.key = key;
  }

  private boolean mine(Invocation inv) {
    return data.view(key).map(s -> s.config().id().equals(inv.project())).orElse(false);
  }

  @Override
  public Optional<KeyValueStore> database(Invocation inv, String name) {
    if (!mine(inv)) {
      return Optional.empty();
    }
    try {
      return data.database(key, inv.application(), name).map(KvAdapter::new);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<io.jtau.runtime.wasm.FileStorage> storage(
      Invocation inv, String name, boolean create) {
    if (!mine(inv)) {
      return Optional.empty();
    }
    try {
      // Storages are declared in the config: "create" cannot make one that is not.
      return data.storage(key, inv.application(), name)
          .filter(ref -> "object".equals(ref.resource().type()))
          .map(ref -> new ObjectFileStorage(data.objects(), ref));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<KeyValueStore> globals(Invocation inv) {
    if (!mine(inv)) {
      return Optional.empty();
    }
    try {
      return data.globals(key).map(KvAdapter::new);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<io.jtau.runtime.wasm.ContentStore> content(Invocation inv) {
    if (!mine(inv) || data.content() == null) {
      return Optional.empty();
    }
    return Optional.of(data.content().forProject(key.project()));
  }

  @Override
  public Optional<P2PNode> p2p(Invocation inv) {
    return mine(inv) ? Optional.of(new LocalP2P(inv)) : Optional.empty();
  }

  /** This node's peer id as guests see it: one node, one stable identity. */
  static final byte[] NODE_PEER = P2PRequest.peerId("jtau-node".getBytes(StandardCharsets.UTF_8));

  /**
   * P2P within this node: a command goes to the function of the same project branch that serves its
   * protocol and command, run in this node's Wasm runtime. The only peer is this node; other nodes
   * are out of reach (there is no cluster messaging yet), so a command addressed to another peer
   * fails (43) and discovery finds this node alone.
   */
  private final class LocalP2P implements P2PNode {
    private final Invocation inv;

    LocalP2P(Invocation inv) {
      this.inv = inv;
    }

    @Override
    public boolean open(String protocol) {
      return data.servesProtocol(key, protocol);
    }

    @Override
    public Map<String, Object> send(String protocol, String command, byte[] body, byte[] toPeer)
        throws P2PException {
      if (toPeer != null && !Arrays.equals(toPeer, NODE_PEER)) {
        throw new P2PException("peer is not this node; commands between nodes are not offered");
      }
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("data", body.clone());
      map.put("protocol", protocol);
      EventResult r;
      try {
        r =
            data.sendP2P(
                key,
                inv.application(),
                new P2PRequest(command, map, NODE_PEER, NODE_PEER),
                protocol);
      } catch (IllegalStateException e) {
        throw new P2PException(e.getMessage());
      }
      if (!r.ok()) {
        throw new P2PException("command " + command + " failed: " + r.reason());
      }
      return r.responseData() == null ? Map.of() : Map.of("data", r.responseData());
    }

    @Override
    public List<byte[]> discover(int max, Duration timeout) {
      return max <= 0 ? List.of() : List.of(NODE_PEER.clone());
    }

    @Override
    public String listen(String protocol) throws P2PException {
      if (!data.servesProtocol(key, protocol)) {
        throw new P2PException("project " + key.project() + " declares no protocol " + protocol);
      }
      return protocol;
    }
  }

  @Override
  public boolean publish(Invocation inv, String channel, byte[] data) {
    return mine(inv)
        && this.data.publish(key, inv.application(), channel, inv.resourceId(), data) == null;
  }

  @Override
  public boolean subscribe(Invocation inv, String channel) {
    return mine(inv) && data.subscribe(key, inv.application(), inv.resourceId(), channel);
  }

  @Override
  public Optional<String> webSocketPath(Invocation inv, String channel) {
    return mine(inv) ? data.webSocketPath(key, inv.application(), channel) : Optional.empty();
  }

  /**
   * A {@link KvDatabase} as the ABI sees it: string keys are their UTF-8 bytes; failures become
   * {@link KeyValueStore.StoreException} (the guest sees the errno, never the message).
   */
  static final class KvAdapter implements KeyValueStore {
    private final KvDatabase db;

    KvAdapter(KvDatabase db) {
      this.db = db;
    }

    @Override
    public byte[] get(String key) throws StoreException {
      try {
        return db.get(utf8(key));
      } catch (IOException e) {
        throw new StoreException(e.getMessage());
      }
    }

    @Override
    public void put(String key, byte[] value) throws StoreException {
      try {
        db.put(utf8(key), value);
      } catch (IOException e) {
        throw new StoreException(e.getMessage());
      }
    }

    @Override
    public void delete(String key) throws StoreException {
      try {
        db.delete(utf8(key));
      } catch (IOException e) {
        throw new StoreException(e.getMessage());
      }
    }

    @Override
    public List<String> list(String prefix) throws StoreException {
      try {
        List<String> out = new ArrayList<>();
        for (byte[] k : db.list(utf8(prefix))) {
          out.add(new String(k, StandardCharsets.UTF_8));
        }
        return out;
      } catch (IOException e) {
        throw new StoreException(e.getMessage());
      }
    }

    private static byte[] utf8(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }
}
