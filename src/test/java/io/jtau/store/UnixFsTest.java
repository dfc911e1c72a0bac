package io.jtau.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.Cid;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnixFsTest {

  /** Verified against kubo (guest ABI §5.3) and kubo's empty file with dag-pb leaves. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Hello, world|bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa",
        "Hello World Hello World AGAIN|bafybeidqnk6czrgcaydbxw54tf2qpjmd5pcefpeoudytygrbukfoaawo4i",
        "Hello, world!|bafybeidv23lyayv4rdysncmjvqh3w46dysaruzqnkageemmc5xu2sywrya",
        "''|bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y",
      })
  void text_vectors(String text, String expected) {
    assertThat(UnixFs.cidOf(text.getBytes(StandardCharsets.UTF_8)).value()).isEqualTo(expected);
  }

  /**
   * Content of {@code size} bytes where byte i is i % 251; expected values computed by the
   * independent script src/test/resources/unixfs/reference_cid.py ({@code --pattern SIZE}).
   */
  @ParameterizedTest(name = "{0} bytes -> {1}")
  @CsvSource({
    "1, bafybeibyqyrkx66boqbutl5oktknecxgnl43cipcls3knonfmi727rdtnu",
    "262144, bafybeihvfgtilxh7thaf7o5zmjiissdd4swdao3qfltyhm62x2v3ubyasi",
    "262145, bafybeidas2dvcqxlierzany6rt2e43v3yojj5ls4b7o7owukcgsgiarvrq",
    "524288, bafybeih4mtlbze73k6nkebupunt3urt4qicng6oned73e4qpewwnmrwwem",
    "45613056, bafybeifiin5lxhnjhsfqblkhcbt6i52nhhtuyqo44hv24slsom6prmmfbe",
    "45613057, bafybeif6naoec4sq7ocfr3fyvgvu5ct7qwi377tfoduj2tuvshdelumpqi",
  })
  void pattern_vectors_from_the_independent_script(long size, String expected) throws IOException {
    assertThat(UnixFs.cidOf(pattern(size)).value()).isEqualTo(expected);
  }

  @Test
  void one_chunk_plus_one_byte_is_a_root_over_two_leaves() throws IOException {
    List<UnixFs.Kind> kinds = new ArrayList<>();
    List<byte[]> blocks = new ArrayList<>();
    UnixFs.Imported imported =
        UnixFs.importFile(
            pattern(UnixFs.CHUNK_SIZE + 1),
            (cid, block, kind) -> {
              kinds.add(kind);
              blocks.add(block);
            });
    assertThat(kinds).containsExactly(UnixFs.Kind.LEAF, UnixFs.Kind.LEAF, UnixFs.Kind.INTERNAL);
    assertThat(imported.size()).isEqualTo(UnixFs.CHUNK_SIZE + 1);
    UnixFs.Node root = UnixFs.decode(blocks.get(2));
    assertThat(root.links()).extracting(UnixFs.Link::filesize).containsExactly(262144L, 1L);
    assertThat(root.links().get(0).tsize()).isEqualTo(blocks.get(0).length);
    assertThat(Cids.fromBytes(root.links().get(1).cid())).isEqualTo(Cids.ofBlock(blocks.get(1)));
  }

  @Test
  void decode_reads_back_a_leaf() {
    byte[] block = UnixFs.leaf("abc".getBytes(StandardCharsets.UTF_8), 3);
    UnixFs.Node node = UnixFs.decode(block);
    assertThat(node.kind()).isEqualTo(UnixFs.Kind.LEAF);
    assertThat(new String(node.data(), StandardCharsets.UTF_8)).isEqualTo("abc");
  }

  @Test
  void decode_rejects_garbage() {
    assertThatThrownBy(() -> UnixFs.decode(new byte[] {0x0a, 0x7f, 0x01}))
        .isInstanceOf(UnixFs.MalformedNodeException.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "bafybeiej6xs3wwj5a6zoknxg3ovsmq45ekogp7673g4g6jhgkhki7dv2aa",
    "bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y",
  })
  void text_and_binary_round_trip(String text) {
    byte[] bin = Cids.toBytes(new Cid(text));
    assertThat(bin).hasSize(36).startsWith(0x01, 0x70, 0x12, 0x20);
    assertThat(Cids.fromBytes(bin).value()).isEqualTo(text);
  }

  @Test
  void base32_matches_rfc4648_vectors() {
    assertThat(Cids.base32Encode("foobar".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("mzxw6ytboi");
    assertThat(new String(Cids.base32Decode("MZXW6YTBOI"), StandardCharsets.US_ASCII))
        .isEqualTo("foobar");
    assertThat(Cids.base32Encode(new byte[0])).isEmpty();
  }

  @Test
  void unsupported_cids_are_refused() {
    // a raw-codec CID (bafkrei…) is not a dag-pb node
    Cid raw = new Cid("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    assertThat(Cids.isSupported(raw)).isFalse();
    assertThatThrownBy(
            () -> Cids.toBytes(new Cid("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cids.base32Decode("ab1")).isInstanceOf(IllegalArgumentException.class);
  }

  /** Byte i is i % 251, generated lazily so large vectors cost no heap. */
  static InputStream pattern(long size) {
    return new InputStream() {
      long pos;

      @Override
      public int read() {
        return pos < size ? (int) (pos++ % 251) : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - pos);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) ((pos + i) % 251);
        }
        pos += n;
        return n;
      }
    };
  }

  static byte[] patternBytes(int size) {
    byte[] out = new byte[size];
    for (int i = 0; i < size; i++) {
      out[i] = (byte) (i % 251);
    }
    return out;
  }
}
