package io.jtau.app;

import io.jtau.model.ProjectKey;
import io.jtau.runtime.kv.KvDatabase;
import io.jtau.runtime.wasm.GuestServices;
import io.jtau.runtime.wasm.Invocation;
import io.jtau.runtime.wasm.KeyValueStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
