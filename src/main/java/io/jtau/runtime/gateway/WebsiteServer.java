package io.jtau.runtime.gateway;

import io.jtau.model.Cid;
import io.jtau.port.ContentStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Serves website files from bundles (registry.md 5.3): the served path is the request path with the
 * matched path p* removed; a path that is not a file, or a directory without {@code index.html},
 * falls back to the root {@code index.html} (single-page applications); no root {@code index.html}
 * gives 404 (never a listing). A directory serves its {@code index.html}; {@code .../index.html} is
 * redirected to {@code ./}.
 *
 * <p>Every response carries {@code ETag} = {@code "<bundle CID>/<file>[+encoding]"}, answers {@code
 * If-None-Match} with 304, sets {@code Cache-Control} and {@code Content-Type} by extension,
 * honours single byte ranges (206, 416) on the identity encoding, and negotiates precompressed
 * variants: a compressible file is compressed at its first request, the result is written to the
 * content store (content-addressed) and cached. Small files are kept in memory (bounded); large
 * ones are extracted once to a local file and sent as a file region.
 *
 * <p>Thread-safe. {@link #serve} with {@code mayBlock=false} never does I/O and returns empty when
 * it would have to; the caller then repeats the call on a worker thread with {@code mayBlock=true}.
 */
public final class WebsiteServer {

  /** Tunables. */
  public record Settings(
      int memoryFileLimit,
      long memoryBudget,
      int compressMinBytes,
      int compressMaxBytes,
      String cacheControlHtml,
      String cacheControlOther) {
    public static Settings defaults() {
      return new Settings(
          256 * 1024, 64L * 1024 * 1024, 1024, 16 * 1024 * 1024, "no-cache", "public, max-age=60");
    }
  }

  /** A content encoding the server can produce. */
  public interface Compressor {
    /** The token of {@code Content-Encoding} ({@code gzip}, {@code br}). */
    String encoding();

    byte[] compress(byte[] data) throws IOException;
  }

  /** gzip from the JDK. */
  public static final Compressor GZIP =
      new Compressor() {
        @Override
        public String encoding() {
          return "gzip";
        }

        @Override
        public byte[] compress(byte[] data) throws IOException {
          ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 64);
          try (GZIPOutputStream gz =
              new GZIPOutputStream(out) {
                {
                  def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
                }
              }) {
            gz.write(data);
          }
          return out.toByteArray();
        }
      };

  private final BundleCache bundles;
  private final ContentStore store;
  private final List<Compressor> compressors;
  private final Settings settings;
  private final Map<String, byte[]> memory = new ConcurrentHashMap<>();
  private final AtomicLong memoryBytes = new AtomicLong();
  private final Map<String, Variant> variants = new ConcurrentHashMap<>();

  /** A stored compressed variant: its CID in the store, and where its bytes are served from. */
  private record Variant(Cid cid, byte[] bytes, Path file, long length) {}

  /**
   * @param compressors preferred first (e.g. brotli before gzip)
   */
  public WebsiteServer(
      BundleCache bundles, ContentStore store, List<Compressor> compressors, Settings settings) {
    this.bundles = bundles;
    this.store = store;
    this.compressors = List.copyOf(compressors);
    this.settings = settings;
  }

  /** The encodings this server can produce, preferred first. */
  public List<String> encodings() {
    return compressors.stream().map(Compressor::encoding).toList();
  }

  /** The CID under which a compressed variant was stored, if it was computed. */
  public Optional<Cid> variantCid(Cid bundle, String rel, String encoding) {
    Variant v = variants.get(key(bundle, rel, encoding));
    return v == null || v.cid() == null ? Optional.empty() : Optional.of(v.cid());
  }

  /**
   * Answers a request matched to a website through p*.
   *
   * @param mayBlock whether I/O is allowed; when false and I/O is needed, returns empty
   * @throws IOException when the bundle cannot be read
   */
  public Optional<StaticResponse> serve(
      Cid bundleCid, String matchedPath, StaticRequest req, boolean mayBlock) throws IOException {
    Optional<Bundle> cached = bundles.cached(bundleCid);
    if (cached.isEmpty() && !mayBlock) {
      return Optional.empty();
    }
    Bundle bundle = cached.isPresent() ? cached.get() : bundles.open(bundleCid);
    String served = WebsiteScore.servedPath(matchedPath, req.path());
    String name = served.substring(1);
    boolean trailing = name.endsWith("/");
    if (trailing) {
      name = name.substring(0, name.length() - 1);
    }
    boolean isFile = bundle.isFile(name);
    boolean isDir = !isFile && bundle.isDir(name);
    if (!isFile && !(isDir && bundle.isFile(join(name, "index.html")))) {
      // Single-page-application fallback: everything unknown is the root index.html.
      if (!bundle.isFile("index.html")) {
        return Optional.of(text(404, "not found: " + req.path() + "\n"));
      }
      return file(bundle, "index.html", req, mayBlock);
    }
    if (isFile && served.endsWith("/index.html")) {
      return Optional.of(redirect("./"));
    }
    if (isFile && trailing) {
      return Optional.of(redirect("../" + baseName(name)));
    }
    if (isDir) {
      if (!trailing && !name.isEmpty()) {
        return Optional.of(redirect(baseName(name) + "/"));
      }
      return file(bundle, join(name, "index.html"), req, mayBlock);
    }
    return file(bundle, name, req, mayBlock);
  }

  private Optional<StaticResponse> file(
      Bundle bundle, String rel, StaticRequest req, boolean mayBlock) throws IOException {
    long size = bundle.size(rel);
    String type = ContentTypes.of(rel);
    boolean html = type.startsWith("text/html");
    String cacheControl = html ? settings.cacheControlHtml() : settings.cacheControlOther();
    boolean compressible =
        ContentTypes.compressible(type)
            && size >= settings.compressMinBytes()
            && size <= settings.compressMaxBytes()
            && !compressors.isEmpty();
    // Ranges apply to the identity encoding only.
    String encoding = null;
    if (compressible && req.range() == null) {
      encoding = negotiate(req.acceptEncoding());
    }
    Variant variant = null;
    if (encoding != null) {
      String vk = key(bundle.cid(), rel, encoding);
      variant = variants.get(vk);
      if (variant == null) {
        if (!mayBlock) {
          return Optional.empty();
        }
        variant = compress(bundle, rel, encoding);
      }
      if (variant.length() < 0) {
        // Compression did not help for this file: serve it as is.
        encoding = null;
        variant = null;
      }
    }
    String etag = etag(bundle.cid(), rel, encoding);
    List<Map.Entry<String, String>> h = new ArrayList<>(8);
    h.add(Map.entry("Content-Type", type));
    h.add(Map.entry("ETag", etag));
    h.add(Map.entry("Cache-Control", cacheControl));
    if (compressible) {
      h.add(Map.entry("Vary", "Accept-Encoding"));
    }
    if (req.ifNoneMatch() != null && etagMatches(req.ifNoneMatch(), etag)) {
      return Optional.of(new StaticResponse(304, h, new StaticResponse.Empty()));
    }
    boolean head = req.method().equals("HEAD");
    if (variant != null) {
      h.add(Map.entry("Content-Encoding", encoding));
      h.add(Map.entry("Content-Length", Long.toString(variant.length())));
      StaticResponse.Body body =
          head
              ? new StaticResponse.Empty()
              : variant.bytes() != null
                  ? new StaticResponse.Bytes(variant.bytes(), 0, variant.bytes().length)
                  : new StaticResponse.FileRegion(variant.file(), 0, variant.length());
      return Optional.of(new StaticResponse(200, h, body));
    }
    h.add(Map.entry("Accept-Ranges", "bytes"));
    long start = 0;
    long count = size;
    int status = 200;
    if (req.range() != null && (req.ifRange() == null || req.ifRange().equals(etag))) {
      long[] r = parseRange(req.range(), size);
      if (r == UNSATISFIABLE) {
        h.add(Map.entry("Content-Range", "bytes */" + size));
        return Optional.of(new StaticResponse(416, h, new StaticResponse.Empty()));
      }
      if (r != null) {
        start = r[0];
        count = r[1] - r[0] + 1;
        status = 206;
        h.add(Map.entry("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size));
      }
    }
    h.add(Map.entry("Content-Length", Long.toString(count)));
    if (head) {
      return Optional.of(new StaticResponse(status, h, new StaticResponse.Empty()));
    }
    if (size <= settings.memoryFileLimit()) {
      byte[] data = memory.get(key(bundle.cid(), rel, ""));
      if (data == null) {
        if (!mayBlock) {
          return Optional.empty();
        }
        data = readAll(bundle, rel);
        remember(key(bundle.cid(), rel, ""), data);
      }
      return Optional.of(
          new StaticResponse(status, h, new StaticResponse.Bytes(data, (int) start, (int) count)));
    }
    Path extracted = bundles.dir().resolve(bundle.cid().value()).resolve(hash(rel));
    if (!Files.isRegularFile(extracted)) {
      if (!mayBlock) {
        return Optional.empty();
      }
      extract(bundle, rel, extracted);
    }
    return Optional.of(
        new StaticResponse(status, h, new StaticResponse.FileRegion(extracted, start, count)));
  }

  private Variant compress(Bundle bundle, String rel, String encoding) throws IOException {
    // Two threads may compress the same file at once; the results are equal and content-addressed.
    String vk = key(bundle.cid(), rel, encoding);
    Compressor c =
        compressors.stream().filter(x -> x.encoding().equals(encoding)).findFirst().get();
    byte[] data = memory.get(key(bundle.cid(), rel, ""));
    if (data == null) {
      data = readAll(bundle, rel);
      if (data.length <= settings.memoryFileLimit()) {
        remember(key(bundle.cid(), rel, ""), data);
      }
    }
    byte[] packed = c.compress(data);
    Variant v;
    if (packed.length >= data.length) {
      v = new Variant(null, null, null, -1);
    } else {
      Cid cid = store.put(packed);
      if (packed.length <= settings.memoryFileLimit()) {
        v = new Variant(cid, packed, null, packed.length);
      } else {
        Path file = bundles.dir().resolve(bundle.cid().value()).resolve(hash(rel) + "." + encoding);
        writeAtomically(file, packed);
        v = new Variant(cid, null, file, packed.length);
      }
    }
    Variant prev = variants.putIfAbsent(vk, v);
    return prev == null ? v : prev;
  }

  private void remember(String key, byte[] data) {
    if (memory.putIfAbsent(key, data) == null) {
      long total = memoryBytes.addAndGet(data.length);
      if (total > settings.memoryBudget()) {
        // Over budget: drop entries (any) until back under; they are re-read on demand.
        for (String k : memory.keySet()) {
          byte[] removed = memory.remove(k);
          if (removed != null
              && memoryBytes.addAndGet(-removed.length) <= settings.memoryBudget()) {
            break;
          }
        }
      }
    }
  }

  private static byte[] readAll(Bundle bundle, String rel) throws IOException {
    try (InputStream in = bundle.open(rel)) {
      return in.readAllBytes();
    }
  }

  private static void extract(Bundle bundle, String rel, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), "x", ".tmp");
    try (InputStream in = bundle.open(rel)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeAtomically(Path target, byte[] data) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), "v", ".tmp");
    try {
      Files.write(tmp, data);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private String negotiate(String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isBlank()) {
      return null;
    }
    for (Compressor c : compressors) {
      if (accepts(acceptEncoding, c.encoding())) {
        return c.encoding();
      }
    }
    return null;
  }

  /** Whether an {@code Accept-Encoding} value accepts a coding with a non-zero quality. */
  static boolean accepts(String header, String coding) {
    for (String part : header.split(",")) {
      String[] kv = part.trim().split(";");
      String token = kv[0].trim().toLowerCase(Locale.ROOT);
      if (!token.equals(coding) && !token.equals("*")) {
        continue;
      }
      double q = 1;
      for (int i = 1; i < kv.length; i++) {
        String p = kv[i].trim();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (token.equals(coding)) {
        return q > 0;
      }
      if (q > 0) {
        return true;
      }
    }
    return false;
  }

  static final long[] UNSATISFIABLE = new long[0];

  /**
   * Parses a single {@code bytes=} range against a size: {@code [first, last]}; {@code null} when
   * the header is to be ignored (other units, several ranges, bad syntax); {@link #UNSATISFIABLE}
   * when no byte of the range exists.
   */
  static long[] parseRange(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        if (b.isEmpty()) {
          return null;
        }
        long suffix = Long.parseLong(b);
        if (suffix <= 0 || size == 0) {
          return UNSATISFIABLE;
        }
        return new long[] {Math.max(0, size - suffix), size - 1};
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (first < 0 || last < first) {
        return null;
      }
      if (first >= size) {
        return UNSATISFIABLE;
      }
      return new long[] {first, Math.min(last, size - 1)};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static boolean etagMatches(String ifNoneMatch, String etag) {
    String strong = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String part : ifNoneMatch.split(",")) {
      String t = part.trim();
      if (t.equals("*")) {
        return true;
      }
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(strong)) {
        return true;
      }
    }
    return false;
  }

  /** The ETag of a file of a bundle in an encoding (null = identity). */
  static String etag(Cid bundle, String rel, String encoding) {
    StringBuilder b = new StringBuilder("\"").append(bundle.value()).append('/');
    for (byte x : rel.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '/'
              || c == '.'
              || c == '-'
              || c == '_'
              || c == '~';
      if (plain) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    if (encoding != null) {
      b.append('+').append(encoding);
    }
    return b.append('"').toString();
  }

  private static StaticResponse redirect(String location) {
    return new StaticResponse(
        301, List.of(Map.entry("Location", location)), new StaticResponse.Empty());
  }

  private static StaticResponse text(int status, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return new StaticResponse(
        status,
        List.of(
            Map.entry("Content-Type", "text/plain; charset=utf-8"),
            Map.entry("Content-Length", Integer.toString(b.length))),
        new StaticResponse.Bytes(b, 0, b.length));
  }

  private static String join(String dir, String file) {
    return dir.isEmpty() ? file : dir + "/" + file;
  }

  private static String baseName(String rel) {
    int slash = rel.lastIndexOf('/');
    return slash < 0 ? rel : rel.substring(slash + 1);
  }

  private static String key(Cid bundle, String rel, String encoding) {
    return bundle.value() + "\0" + rel + "\0" + encoding;
  }

  private static String hash(String rel) {
    try {
      return HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(rel.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
