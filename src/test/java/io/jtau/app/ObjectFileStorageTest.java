package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.Identity;
import io.jtau.model.Resource;
import io.jtau.runtime.wasm.FileStorage;
import io.jtau.store.FileContentStore;
import io.jtau.store.ObjectStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest's view of an object storage, on a real object store. */
class ObjectFileStorageTest {

  @TempDir Path dir;

  static Resource.Storage storage(long size, boolean versioning) {
    return new Resource.Storage(
        Identity.of("QmStorage", "files"),
        null,
        "object",
        "files",
        null,
        true,
        null,
        versioning,
        null,
        size);
  }

  @Test
  void filesVersionsCidsQuotaAndIsolation() throws Exception {
    try (FileContentStore content = new FileContentStore(dir.resolve("store"));
        ObjectStorage objects = new ObjectStorage(dir.resolve("objects"), content)) {
      objects.configure("QmA", "QmStorage", new ObjectStorage.BucketConfig(true, 64));
      objects.configure("QmB", "QmStorage", new ObjectStorage.BucketConfig(true, 64));
      FileStorage a =
          new ObjectFileStorage(
              objects, new DataPlane.StorageRef("QmA", "QmStorage", storage(64, true)));
      FileStorage b =
          new ObjectFileStorage(
              objects, new DataPlane.StorageRef("QmB", "QmStorage", storage(64, true)));

      assertThat(a.add("hello.txt", "Hello, world".getBytes(StandardCharsets.UTF_8), false))
          .isEqualTo(1);
      assertThat(a.add("hello.txt", "Hello again".getBytes(StandardCharsets.UTF_8), false))
          .isEqualTo(2);
      assertThat(new String(a.read("hello.txt", 0), StandardCharsets.UTF_8))
          .isEqualTo("Hello again");
      assertThat(new String(a.read("hello.txt", 1), StandardCharsets.UTF_8))
          .isEqualTo("Hello, world");
      assertThat(a.versions("hello.txt")).containsExactly(1, 2);
      assertThat(a.files()).containsExactly("/file/hello.txt/1", "/file/hello.txt/2");
      assertThat(a.cid("hello.txt")).isNotNull();
      assertThat(a.read("missing", 0)).isNull();
      assertThat(a.capacity()).isEqualTo(64);
      assertThat(a.used()).isEqualTo(23);

      assertThat(b.files()).isEmpty();
      assertThat(b.read("hello.txt", 0)).isNull();

      assertThatThrownBy(() -> a.add("big", new byte[100], false))
          .isInstanceOf(FileStorage.StorageException.class)
          .hasMessageContaining("storage full");
      assertThatThrownBy(() -> a.delete("hello.txt", 1, false))
          .isInstanceOf(FileStorage.StorageException.class);
      a.delete("hello.txt", 0, true);
      assertThat(a.versions("hello.txt")).isEmpty();
    }
  }
}
