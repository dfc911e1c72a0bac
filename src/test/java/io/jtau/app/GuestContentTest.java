package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Cid;
import io.jtau.store.Cids;
import io.jtau.store.FileContentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Releasing a project's guest-pushed content (issue #11: dream reset wipes the samples' data). */
class GuestContentTest {

  @TempDir Path dir;

  @Test
  void release_unpins_one_projects_content_and_no_other() throws Exception {
    try (FileContentStore store = new FileContentStore(dir)) {
      GuestContent content = new GuestContent(store, GuestContent.Settings.defaults());
      byte[] shared = "same bytes".getBytes(StandardCharsets.UTF_8);
      Cid a = Cids.fromBytes(content.forProject("kv").add(shared));
      content.forProject("kv").add("only kv".getBytes(StandardCharsets.UTF_8));
      content.forProject("kvx").add(shared); // "kv" is a prefix of its name

      assertThat(content.release("kv")).isEqualTo(2);

      assertThat(content.used("kv")).isZero();
      assertThat(content.used("kvx")).isEqualTo(shared.length);
      assertThat(store.owners(a)).containsExactly(GuestContent.owner("kvx"));
      assertThat(content.release("kv")).as("idempotent").isZero();
    }
  }
}
