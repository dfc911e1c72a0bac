package io.jtau.app;

import io.jtau.runtime.wasm.FileStorage;
import io.jtau.store.Cids;
import io.jtau.store.ObjectStorage;
import io.jtau.store.StorageQuotaExceededException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A project's object storage (one {@code storages} resource) as a guest reaches it through the
 * {@code taubyte/sdk} storage calls: files are objects, versions are object versions, content is in
 * the content store (so a file's CID is its UnixFS CID). Deleting one version of several is not
 * offered by the object store and fails; deleting all versions works. Thread-safe.
 */
final class ObjectFileStorage implements FileStorage {

  private final ObjectStorage objects;
  private final DataPlane.StorageRef ref;

  ObjectFileStorage(ObjectStorage objects, DataPlane.StorageRef ref) {
    this.objects = objects;
    this.ref = ref;
  }

  @Override
  public int add(String name, byte[] data, boolean overwrite) throws StorageException {
    try {
      return (int)
          objects
              .put(ref.projectId(), ref.storageId(), name, new ByteArrayInputStream(data))
              .version();
    } catch (StorageQuotaExceededException e) {
      throw new StorageException("storage full: " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      throw new StorageException("cannot store " + name + ": " + e.getMessage());
    }
  }

  @Override
  public byte[] read(String name, int version) throws StorageException {
    try {
      Optional<ObjectStorage.ObjectInfo> info =
          version == 0
              ? objects.stat(ref.projectId(), ref.storageId(), name)
              : objects.stat(ref.projectId(), ref.storageId(), name, version);
      if (info.isEmpty()) {
        return null;
      }
      try (InputStream in =
          version == 0
              ? objects.get(ref.projectId(), ref.storageId(), name)
              : objects.get(ref.projectId(), ref.storageId(), name, version)) {
        return in.readAllBytes();
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new StorageException("cannot read " + name + ": " + e.getMessage());
    }
  }

  @Override
  public List<Integer> versions(String name) throws StorageException {
    try {
      List<Integer> out = new ArrayList<>();
      for (ObjectStorage.ObjectInfo i : objects.versions(ref.projectId(), ref.storageId(), name)) {
        out.add((int) i.version());
      }
      out.sort(Integer::compare);
      return out;
    } catch (IllegalArgumentException e) {
      throw new StorageException(e.getMessage());
    }
  }

  @Override
  public List<String> files() throws StorageException {
    List<String> out = new ArrayList<>();
    for (ObjectStorage.ObjectInfo i : objects.list(ref.projectId(), ref.storageId(), "")) {
      for (int v : versions(i.name())) {
        out.add("/file/" + i.name() + "/" + v);
      }
    }
    out.sort(String::compareTo);
    return out;
  }

  @Override
  public byte[] cid(String name) throws StorageException {
    try {
      return objects
          .stat(ref.projectId(), ref.storageId(), name)
          .map(i -> Cids.toBytes(i.cid()))
          .orElse(null);
    } catch (IllegalArgumentException e) {
      throw new StorageException(e.getMessage());
    }
  }

  @Override
  public void delete(String name, int version, boolean all) throws StorageException {
    try {
      List<Integer> versions = versions(name);
      if (versions.isEmpty()) {
        throw new StorageException("no file " + name);
      }
      if (!all && versions.size() > 1) {
        throw new StorageException("deleting one version of several is not supported");
      }
      objects.delete(ref.projectId(), ref.storageId(), name);
    } catch (IOException e) {
      throw new StorageException("cannot delete " + name + ": " + e.getMessage());
    }
  }

  @Override
  public long used() {
    return objects.used(ref.projectId(), ref.storageId());
  }

  @Override
  public long capacity() {
    return ref.resource().sizeBytes();
  }
}
