package io.jtau.app;

import io.jtau.model.Cid;
import io.jtau.runtime.wasm.ContentStore;
import io.jtau.runtime.wasm.FileStorage;
import io.jtau.store.Cids;
import io.jtau.store.FileContentStore;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The node's content store as guests reach it by CID ({@code storageOpenCid}, {@code
 * contentPushFile}, guest-abi.md 3.8), per project:
 *
 * <ul>
 *   <li><b>Reads</b> are content addressing: a guest may read any CID it knows, whoever stored it
 *       (a CID names the bytes, not an owner), verified like every store read. Content larger than
 *       {@link Settings#maxReadBytes} is refused (the guest sees a failure, not an out-of-memory).
 *   <li><b>Writes</b> are pinned by owner {@code guest-content:<project>} so they survive gc, and
 *       count against the project's quota ({@link Settings#quotaBytes}, the sum of the sizes of the
 *       distinct CIDs it pinned). Pushing content the project already pinned costs nothing. Guests
 *       have no call to release content; an operator unpins (the pins are listed by owner).
 * </ul>
 *
 * Thread-safe: writes of all projects are serialized, so two concurrent pushes cannot both fit a
 * quota only one fits. Blocking (durable writes).
 */
public final class GuestContent {

  /** Prefix of the pin owners of content guests pushed. */
  public static final String OWNER_PREFIX = "guest-content:";

  /**
   * Limits.
   *
   * @param quotaBytes bytes of distinct content one project may keep pinned
   * @param maxReadBytes largest content a guest may open by CID (it is read into memory)
   */
  public record Settings(long quotaBytes, long maxReadBytes) {
    public Settings {
      if (quotaBytes < 0 || maxReadBytes < 0) {
        throw new IllegalArgumentException("content limits must not be negative");
      }
    }

    public static Settings defaults() {
      return new Settings(256L << 20, 64L << 20);
    }
  }

  private final FileContentStore store;
  private final Settings settings;

  public GuestContent(FileContentStore store, Settings settings) {
    this.store = store;
    this.settings = settings;
  }

  /** The pin owner of a project's pushed content. */
  public static String owner(String project) {
    return OWNER_PREFIX + project;
  }

  /** Bytes of distinct content the project keeps pinned. */
  public long used(String project) throws IOException {
    String owner = owner(project);
    long total = 0;
    Set<Cid> seen = new HashSet<>();
    for (FileContentStore.Pin p : store.pins(owner)) {
      if (p.owner().equals(owner) && seen.add(p.cid())) {
        total += store.size(p.cid());
      }
    }
    return total;
  }

  /**
   * Unpins everything the project's guests pushed (a later gc reclaims what nothing else pins);
   * pins of other projects, even one whose name starts with this one, stay. Idempotent.
   *
   * @return how many pins were released
   */
  public synchronized int release(String project) throws IOException {
    String owner = owner(project);
    int n = 0;
    for (FileContentStore.Pin p : store.pins(owner)) {
      if (p.owner().equals(owner) && store.unpin(p.cid(), owner)) {
        n++;
      }
    }
    return n;
  }

  /** The content view of one project (node project name, never joined into a path). */
  public ContentStore forProject(String project) {
    return new ContentStore() {
      @Override
      public byte[] add(byte[] data) throws FileStorage.StorageException {
        return push(project, data);
      }

      @Override
      public byte[] get(byte[] cid) throws FileStorage.StorageException {
        return read(cid);
      }
    };
  }

  private synchronized byte[] push(String project, byte[] data)
      throws FileStorage.StorageException {
    String owner = owner(project);
    try {
      Cid cid = io.jtau.store.UnixFs.cidOf(data);
      if (!store.owners(cid).contains(owner)) {
        long used = used(project);
        if (used + data.length > settings.quotaBytes()) {
          throw new FileStorage.StorageException(
              "content quota of project "
                  + project
                  + " exceeded: "
                  + used
                  + " + "
                  + data.length
                  + " > "
                  + settings.quotaBytes()
                  + " bytes");
        }
      }
      Cid stored = store.put(data);
      store.pin(stored, owner);
      return Cids.toBytes(stored);
    } catch (IOException e) {
      throw new FileStorage.StorageException("cannot store content: " + e.getMessage());
    }
  }

  private byte[] read(byte[] binary) throws FileStorage.StorageException {
    Cid cid;
    try {
      cid = Cids.fromBytes(binary);
    } catch (RuntimeException e) {
      return null; // not a CID this store can hold (e.g. a raw-leaf CID): not found
    }
    if (!store.has(cid)) {
      return null;
    }
    try {
      long size = store.size(cid);
      if (size > settings.maxReadBytes()) {
        throw new FileStorage.StorageException(
            "content "
                + cid
                + " is "
                + size
                + " bytes, over the "
                + settings.maxReadBytes()
                + " a guest may open");
      }
      return store.read(cid);
    } catch (IOException e) {
      throw new FileStorage.StorageException("cannot read " + cid + ": " + e.getMessage());
    }
  }
}
