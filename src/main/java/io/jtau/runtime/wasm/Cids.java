package io.jtau.runtime.wasm;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Binary CIDs as guests exchange them (§1.4), and the two ways this package computes content
 * addresses (§5.3): CIDv1 raw sha2-256 (tau's test store) and CIDv1 dag-pb UnixFS with 256 KiB
 * chunks and no raw leaves (production). Pure.
 */
final class Cids {

  /** Guests pass 64-byte buffers for CIDs in both directions. */
  static final int BUFFER = 64;

  static final int CODEC_RAW = 0x55;
  static final int CODEC_DAG_PB = 0x70;
  static final int CHUNK = 256 * 1024;

  /** Children per node in the balanced layout. */
  static final int MAX_LINKS = 174;

  private Cids() {}

  /**
   * The CID at the start of {@code buf} (CIDv1: version, codec, multihash; or a CIDv0 sha2-256
   * multihash), or null when it does not parse.
   */
  static byte[] parsePrefix(byte[] buf) {
    if (buf.length >= 34 && (buf[0] & 0xFF) == 0x12 && buf[1] == 0x20) {
      return Arrays.copyOf(buf, 34);
    }
    int[] pos = {0};
    long version = varint(buf, pos);
    if (version != 1) {
      return null;
    }
    if (varint(buf, pos) < 0 || varint(buf, pos) < 0) {
      return null;
    }
    long len = varint(buf, pos);
    if (len < 0 || pos[0] + len > buf.length) {
      return null;
    }
    return Arrays.copyOf(buf, (int) (pos[0] + len));
  }

  private static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (pos[0] >= b.length) {
        return -1;
      }
      int x = b[pos[0]++] & 0xFF;
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    return -1;
  }

  /** CIDv1 raw sha2-256 of the bytes ({@code bafkrei…}). */
  static byte[] raw(byte[] content) {
    return cid(CODEC_RAW, sha256(content));
  }

  /** CIDv1 dag-pb UnixFS file of the bytes, balanced layout, 256 KiB chunks ({@code bafybei…}). */
  static byte[] unixFs(byte[] content) {
    return cid(CODEC_DAG_PB, sha256(unixFsRoot(content).block));
  }

  /** A serialised node, the file bytes below it and the serialised size of its whole subtree. */
  private record Node(byte[] block, long fileSize, long treeSize) {}

  private static Node unixFsRoot(byte[] content) {
    if (content.length <= CHUNK) {
      return leaf(content, 0, content.length);
    }
    List<Node> level = new ArrayList<>();
    for (int off = 0; off < content.length; off += CHUNK) {
      level.add(leaf(content, off, Math.min(CHUNK, content.length - off)));
    }
    // A balanced tree fills each node with MAX_LINKS children before adding a level.
    while (level.size() > 1) {
      List<Node> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += MAX_LINKS) {
        up.add(parent(level.subList(i, Math.min(level.size(), i + MAX_LINKS))));
      }
      level = up;
    }
    return level.get(0);
  }

  private static Node leaf(byte[] content, int off, int len) {
    ByteArrayOutputStream unixfs = new ByteArrayOutputStream();
    tag(unixfs, 1, 0);
    uvarint(unixfs, 2); // File
    if (len > 0) {
      tag(unixfs, 2, 2);
      uvarint(unixfs, len);
      unixfs.write(content, off, len);
    }
    tag(unixfs, 3, 0);
    uvarint(unixfs, len);
    byte[] block = pbNode(List.of(), unixfs.toByteArray());
    return new Node(block, len, block.length);
  }

  private static Node parent(List<Node> children) {
    ByteArrayOutputStream unixfs = new ByteArrayOutputStream();
    tag(unixfs, 1, 0);
    uvarint(unixfs, 2);
    long total = 0;
    for (Node c : children) {
      total += c.fileSize;
    }
    tag(unixfs, 3, 0);
    uvarint(unixfs, total);
    for (Node c : children) {
      tag(unixfs, 4, 0);
      uvarint(unixfs, c.fileSize);
    }
    List<byte[]> links = new ArrayList<>();
    for (Node c : children) {
      ByteArrayOutputStream link = new ByteArrayOutputStream();
      byte[] hash = cid(CODEC_DAG_PB, sha256(c.block));
      tag(link, 1, 2);
      uvarint(link, hash.length);
      link.writeBytes(hash);
      tag(link, 2, 2);
      uvarint(link, 0);
      tag(link, 3, 0);
      uvarint(link, c.treeSize);
      links.add(link.toByteArray());
    }
    byte[] block = pbNode(links, unixfs.toByteArray());
    long tree = block.length;
    for (Node c : children) {
      tree += c.treeSize;
    }
    return new Node(block, total, tree);
  }

  /** dag-pb canonical form: links (field 2) first, then data (field 1). */
  private static byte[] pbNode(List<byte[]> links, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] l : links) {
      tag(out, 2, 2);
      uvarint(out, l.length);
      out.writeBytes(l);
    }
    tag(out, 1, 2);
    uvarint(out, data.length);
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static void tag(ByteArrayOutputStream out, int field, int wire) {
    uvarint(out, ((long) field << 3) | wire);
  }

  private static void uvarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] cid(int codec, byte[] digest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x01);
    uvarint(out, codec);
    out.write(0x12);
    out.write(0x20);
    out.writeBytes(digest);
    return out.toByteArray();
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The text form: multibase base32 lower-case with prefix {@code b}. */
  static String text(byte[] cid) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder sb = new StringBuilder("b");
    int buffer = 0;
    int bits = 0;
    for (byte b : cid) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }
}
