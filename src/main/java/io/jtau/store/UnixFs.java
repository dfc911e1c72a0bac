package io.jtau.store;

import io.jtau.model.Cid;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * IPFS UnixFS files as the store writes them: the CIDv1 that {@code ipfs add --cid-version=1
 * --raw-leaves=false --chunker=size-262144} (balanced layout) gives the same bytes.
 *
 * <p>Content is cut into 262,144-byte chunks; each chunk becomes a dag-pb leaf whose Data is the
 * UnixFS message {@code {Type=File, Data=chunk, filesize=len}} (an empty file is one leaf without
 * the Data field). Leaves are grouped, in order, into dag-pb nodes of at most 174 links each, level
 * by level, until one node remains; each such node carries {@code {Type=File, filesize=sum,
 * blocksizes=[content size of each child]}} and links {@code {Hash=child CID, Name="", Tsize=child
 * block size + child's Tsizes}}. A single chunk is its own root. Links are encoded before Data
 * (dag-pb canonical form).
 *
 * <p>Stateless and thread-safe; {@link #importFile} streams, holding one chunk and at most 174
 * links per tree level in memory.
 */
public final class UnixFs {

  /** Bytes of content per leaf. */
  public static final int CHUNK_SIZE = 262_144;

  /** Most links in one node. */
  public static final int MAX_LINKS = 174;

  private static final int UNIXFS_FILE = 2;

  private UnixFs() {}

  /** Whether a block holds content bytes (leaf) or links to other blocks (internal). */
  public enum Kind {
    LEAF,
    INTERNAL
  }

  /** Receives every block of an import, children before their parent, the root last. */
  @FunctionalInterface
  public interface BlockSink {
    /** Takes one block; {@code block} is not reused by the caller after this returns. */
    void accept(Cid cid, byte[] block, Kind kind) throws IOException;
  }

  /** What an import produced. */
  public record Imported(Cid root, long size, long blocks) {}

  /** The CID of {@code content} without storing anything. */
  public static Cid cidOf(byte[] content) {
    try {
      return cidOf(new java.io.ByteArrayInputStream(content));
    } catch (IOException e) {
      throw new AssertionError("a byte array does not fail", e);
    }
  }

  /** The CID of the stream's bytes without storing anything. */
  public static Cid cidOf(InputStream content) throws IOException {
    return importFile(content, (cid, block, kind) -> {}).root();
  }

  /** Reads the stream to its end, hands every block to {@code sink}, returns the root. */
  public static Imported importFile(InputStream content, BlockSink sink) throws IOException {
    Tree tree = new Tree(sink);
    byte[] chunk = new byte[CHUNK_SIZE];
    long size = 0;
    boolean any = false;
    while (true) {
      int n = content.readNBytes(chunk, 0, CHUNK_SIZE);
      if (n == 0 && any) {
        break;
      }
      any = true;
      size += n;
      tree.addLeaf(leaf(chunk, n), n);
      if (n < CHUNK_SIZE) {
        break;
      }
    }
    return new Imported(tree.finish(), size, tree.blocks);
  }

  /** Encodes one leaf holding {@code chunk[0, n)}. */
  static byte[] leaf(byte[] chunk, int n) {
    int unixfsLength = 2 + (n > 0 ? 1 + varintLength(n) + n : 0) + 1 + varintLength(n);
    byte[] block = new byte[1 + varintLength(unixfsLength) + unixfsLength];
    int p = 0;
    block[p++] = 0x0a; // PBNode.Data, length-delimited
    p = putVarint(block, p, unixfsLength);
    block[p++] = 0x08; // Data.Type
    block[p++] = UNIXFS_FILE;
    if (n > 0) {
      // An empty chunk has no Data field at all (what the reference implementation emits)
      block[p++] = 0x12;
      p = putVarint(block, p, n);
      System.arraycopy(chunk, 0, block, p, n);
      p += n;
    }
    block[p++] = 0x18; // Data.filesize
    p = putVarint(block, p, n);
    if (p != block.length) {
      throw new AssertionError("leaf length " + p + " != " + block.length);
    }
    return block;
  }

  /** Encodes an internal node over {@code children}. */
  static byte[] internal(List<Link> children) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + children.size() * 48);
    long filesize = 0;
    for (Link link : children) {
      int linkLength = 2 + link.cid().length + 2 + 1 + varintLength(link.tsize());
      out.write(0x12); // PBNode.Links
      writeVarint(out, linkLength);
      out.write(0x0a); // PBLink.Hash
      writeVarint(out, link.cid().length);
      out.writeBytes(link.cid());
      out.write(0x12); // PBLink.Name, present and empty as the reference implementation writes it
      out.write(0x00);
      out.write(0x18); // PBLink.Tsize
      writeVarint(out, link.tsize());
      filesize += link.filesize();
    }
    ByteArrayOutputStream unixfs = new ByteArrayOutputStream(16 + children.size() * 4);
    unixfs.write(0x08);
    unixfs.write(UNIXFS_FILE);
    unixfs.write(0x18);
    writeVarint(unixfs, filesize);
    for (Link link : children) {
      unixfs.write(0x20); // Data.blocksizes, one unpacked entry per child
      writeVarint(unixfs, link.filesize());
    }
    out.write(0x0a);
    writeVarint(out, unixfs.size());
    out.writeBytes(unixfs.toByteArray());
    return out.toByteArray();
  }

  /** A link from a parent: binary CID, Tsize, and the content bytes below it. */
  record Link(byte[] cid, long tsize, long filesize) {}

  /** A decoded block. {@code data} is empty for internal nodes. */
  record Node(Kind kind, List<Link> links, byte[] data, long filesize) {}

  /** Thrown when a block is not a UnixFS file node this store understands. */
  static final class MalformedNodeException extends IllegalArgumentException {
    MalformedNodeException(String message) {
      super(message);
    }
  }

  /**
   * Decodes a block that has already been verified against its CID.
   *
   * @throws MalformedNodeException when it is not a dag-pb UnixFS file node
   */
  static Node decode(byte[] block) {
    Reader r = new Reader(block, 0, block.length);
    List<byte[]> linkCids = new ArrayList<>();
    List<Long> tsizes = new ArrayList<>();
    byte[] unixfs = null;
    while (r.more()) {
      int tag = (int) r.varint();
      if (tag == 0x12) {
        Reader link = r.sub();
        byte[] hash = null;
        long tsize = 0;
        while (link.more()) {
          int ltag = (int) link.varint();
          switch (ltag) {
            case 0x0a -> hash = link.bytes();
            case 0x12 -> link.bytes();
            case 0x18 -> tsize = link.varint();
            default -> throw new MalformedNodeException("unknown PBLink field tag " + ltag);
          }
        }
        if (hash == null || hash.length != Cids.BINARY_LENGTH) {
          throw new MalformedNodeException("link without a supported CID");
        }
        Cids.fromBytes(hash); // rejects an unsupported CID kind
        linkCids.add(hash);
        tsizes.add(tsize);
      } else if (tag == 0x0a) {
        unixfs = r.bytes();
      } else {
        throw new MalformedNodeException("unknown PBNode field tag " + tag);
      }
    }
    if (unixfs == null) {
      throw new MalformedNodeException("no UnixFS data");
    }
    Reader u = new Reader(unixfs, 0, unixfs.length);
    long type = -1;
    byte[] data = new byte[0];
    long filesize = -1;
    List<Long> blocksizes = new ArrayList<>();
    while (u.more()) {
      int tag = (int) u.varint();
      switch (tag) {
        case 0x08 -> type = u.varint();
        case 0x12 -> data = u.bytes();
        case 0x18 -> filesize = u.varint();
        case 0x20 -> blocksizes.add(u.varint());
        case 0x22 -> {
          Reader packed = u.sub();
          while (packed.more()) {
            blocksizes.add(packed.varint());
          }
        }
        default -> throw new MalformedNodeException("unsupported UnixFS field tag " + tag);
      }
    }
    if (type != UNIXFS_FILE) {
      throw new MalformedNodeException("UnixFS type " + type + " is not a file");
    }
    if (linkCids.isEmpty()) {
      if (filesize >= 0 && filesize != data.length) {
        throw new MalformedNodeException("leaf filesize " + filesize + " != " + data.length);
      }
      return new Node(Kind.LEAF, List.of(), data, data.length);
    }
    if (data.length != 0) {
      throw new MalformedNodeException("file node with both data and links is not supported");
    }
    if (blocksizes.size() != linkCids.size()) {
      throw new MalformedNodeException(
          blocksizes.size() + " blocksizes for " + linkCids.size() + " links");
    }
    List<Link> links = new ArrayList<>(linkCids.size());
    long sum = 0;
    for (int i = 0; i < linkCids.size(); i++) {
      long bs = blocksizes.get(i);
      if (bs < 0) {
        throw new MalformedNodeException("negative block size");
      }
      sum += bs;
      links.add(new Link(linkCids.get(i), tsizes.get(i), bs));
    }
    if (filesize >= 0 && filesize != sum) {
      throw new MalformedNodeException("filesize " + filesize + " != sum of blocksizes " + sum);
    }
    return new Node(Kind.INTERNAL, List.copyOf(links), data, sum);
  }

  /** Builds the balanced tree level by level as leaves arrive. */
  private static final class Tree {
    private final BlockSink sink;
    private final List<List<Link>> levels = new ArrayList<>();
    private long blocks;

    Tree(BlockSink sink) {
      this.sink = sink;
    }

    void addLeaf(byte[] block, long filesize) throws IOException {
      add(0, emit(block, Kind.LEAF, filesize, block.length));
    }

    private Link emit(byte[] block, Kind kind, long filesize, long tsize) throws IOException {
      Cid cid = Cids.ofBlock(block);
      sink.accept(cid, block, kind);
      blocks++;
      return new Link(Cids.toBytes(cid), tsize, filesize);
    }

    private void add(int level, Link link) throws IOException {
      while (levels.size() <= level) {
        levels.add(new ArrayList<>(MAX_LINKS));
      }
      List<Link> nodes = levels.get(level);
      if (nodes.size() == MAX_LINKS) {
        // A full group is sealed only once a further sibling shows it is not the root
        seal(level);
      }
      nodes.add(link);
    }

    private void seal(int level) throws IOException {
      List<Link> nodes = levels.get(level);
      byte[] block = internal(nodes);
      long filesize = 0;
      long tsize = block.length;
      for (Link l : nodes) {
        filesize += l.filesize();
        tsize += l.tsize();
      }
      nodes.clear();
      add(level + 1, emit(block, Kind.INTERNAL, filesize, tsize));
    }

    Cid finish() throws IOException {
      for (int level = 0; ; level++) {
        List<Link> nodes = levels.get(level);
        boolean top = level == levels.size() - 1;
        if (top && nodes.size() == 1) {
          return Cids.fromBytes(nodes.get(0).cid());
        }
        if (!nodes.isEmpty()) {
          seal(level);
        }
      }
    }
  }

  static int varintLength(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static int putVarint(byte[] out, int p, long v) {
    while ((v & ~0x7fL) != 0) {
      out[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** Minimal protobuf reader over a byte range. */
  private static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    Reader(byte[] buf, int pos, int end) {
      this.buf = buf;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new MalformedNodeException("truncated varint");
        }
        byte b = buf[pos++];
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new MalformedNodeException("varint too long");
    }

    private int length() {
      long len = varint();
      if (len < 0 || len > end - pos) {
        throw new MalformedNodeException("length " + len + " beyond the block");
      }
      return (int) len;
    }

    byte[] bytes() {
      int len = length();
      byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
      pos += len;
      return out;
    }

    Reader sub() {
      int len = length();
      Reader r = new Reader(buf, pos, pos + len);
      pos += len;
      return r;
    }
  }
}
