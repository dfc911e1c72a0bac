package io.jtau.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.Cid;
import io.jtau.port.ContentStore.CorruptContentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreToolTest {

  @TempDir Path dir;

  @Test
  void add_cat_gc_verify_on_a_data_folder() throws IOException {
    Path file = Files.writeString(dir.resolve("hello.txt"), "Hello, world");
    Path data = dir.resolve("data");
    Cid cid;
    try (StoreTool tool = new StoreTool(data)) {
      cid = tool.add(file);
      assertThat(cid.value())
          .isEqualTo("bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa");
    }
    try (StoreTool tool = new StoreTool(data)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(tool.cat(cid, out)).isEqualTo(12);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Hello, world");
      // added content is pinned: gc with no grace keeps it
      assertThat(tool.gc(Duration.ZERO).deletedBlocks()).isZero();
      assertThat(tool.verify().healthy()).isTrue();
    }
    Path block = data.resolve("blocks/aa/" + cid.value());
    byte[] b = Files.readAllBytes(block);
    b[b.length - 3] ^= 0x20;
    Files.write(block, b);
    try (StoreTool tool = new StoreTool(data)) {
      assertThatThrownBy(() -> tool.cat(cid, new ByteArrayOutputStream()))
          .isInstanceOf(CorruptContentException.class);
      assertThat(tool.verify().healthy()).isTrue(); // the bad block left the index for quarantine
    }
  }

  @Test
  void the_default_data_folder_is_under_the_home_folder() {
    assertThat(StoreTool.defaultDataDir())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".jtau", "store"));
  }
}
