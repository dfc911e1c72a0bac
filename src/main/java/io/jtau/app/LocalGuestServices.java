package io.jtau.app;

import io.jtau.model.Identity;
import io.jtau.model.Resource;
import io.jtau.runtime.kv.DatabaseId;
import io.jtau.runtime.kv.KvStore;
import io.jtau.runtime.wasm.ContentStore;
import io.jtau.runtime.wasm.FileStorage;
import io.jtau.runtime.wasm.GuestServices;
import io.jtau.runtime.wasm.InMemoryGuestServices;
import io.jtau.runtime.wasm.Invocation;
import io.jtau.runtime.wasm.KeyValueStore;
import io.jtau.runtime.wasm.P2PNode;
import io.jtau.store.FileContentStore;
import io.jtau.store.ObjectStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The backends of {@code tau run function}: databases, globals, storages and content on the node's
 * own durable stores in one data folder, so a second run sees what the first wrote; pub/sub and p2p
 * are tau's local test doubles (there is no cloud to reach). Every database and storage name the
 * guest asks for exists (there is no config to match against): databases and globals hold {@value
 * #DATABASE_QUOTA} bytes, storages are versioned and hold {@value #STORAGE_QUOTA} bytes.
 * Thread-safe; one instance per data folder at a time (the stores lock it). Close it to release the
 * folder.
 */
public final class LocalGuestServices implements GuestServices, AutoCloseable {

  /** Owner of every local database and storage. */
  static final String OWNER = "local";

  static final long DATABASE_QUOTA = 64L << 20;
  static final long STORAGE_QUOTA = 64L << 20;

  private final KvStore kv;
  private final FileContentStore store;
  private final ObjectStorage objects;
  private final GuestContent content;
  private final InMemoryGuestServices doubles = new InMemoryGuestServices();

  /** Opens (creating if needed) the stores under {@code dir}. */
  public LocalGuestServices(Path dir) throws IOException {
    this.kv = new KvStore(dir.resolve("kv"), KvStore.Settings.defaults());
    this.store = new FileContentStore(dir.resolve("store"));
    this.objects = new ObjectStorage(dir.resolve("objects"), store);
    this.content = new GuestContent(store, GuestContent.Settings.defaults());
  }

  @Override
  public Optional<KeyValueStore> database(Invocation inv, String name) {
    try {
      return Optional.of(
          new ProjectGuestServices.KvAdapter(
              kv.open(new DatabaseId(OWNER, "", name, name), DATABASE_QUOTA)));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<KeyValueStore> globals(Invocation inv) {
    try {
      return Optional.of(
          new ProjectGuestServices.KvAdapter(kv.open(DatabaseId.globals(OWNER), DATABASE_QUOTA)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<FileStorage> storage(Invocation inv, String name, boolean create) {
    try {
      ObjectStorage.BucketConfig want = new ObjectStorage.BucketConfig(true, STORAGE_QUOTA);
      if (objects.config(OWNER, name).isEmpty()) {
        if (!create) {
          return Optional.empty();
        }
        objects.configure(OWNER, name, want);
      }
      Resource.Storage resource =
          new Resource.Storage(
              Identity.of(name, name),
              null,
              "object",
              name,
              false,
              false,
              null,
              true,
              null,
              STORAGE_QUOTA);
      return Optional.of(
          new ObjectFileStorage(objects, new DataPlane.StorageRef(OWNER, name, resource)));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<ContentStore> content(Invocation inv) {
    return Optional.of(content.forProject(OWNER));
  }

  @Override
  public boolean publish(Invocation inv, String channel, byte[] data) {
    return doubles.publish(inv, channel, data);
  }

  @Override
  public boolean subscribe(Invocation inv, String channel) {
    return doubles.subscribe(inv, channel);
  }

  @Override
  public Optional<String> webSocketPath(Invocation inv, String channel) {
    return doubles.webSocketPath(inv, channel);
  }

  @Override
  public Optional<P2PNode> p2p(Invocation inv) {
    return doubles.p2p(inv);
  }

  @Override
  public void close() {
    try {
      objects.close();
    } catch (Exception e) {
      // closing the rest matters more
    }
    kv.close();
    store.close();
  }
}
