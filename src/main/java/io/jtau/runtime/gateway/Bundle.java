package io.jtau.runtime.gateway;

import io.jtau.model.Cid;
import java.io.IOException;
import java.io.InputStream;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One opened website bundle: the ZIP's central directory read once, indexed by relative path
 * (forward slashes, no leading slash). Entries whose names could escape the bundle ({@code ..}
 * segments, absolute paths, backslashes, NUL, drive letters) are left out, so no request can name
 * them. Thread-safe; reads are blocking.
 */
public final class Bundle {

  /** Limits applied when a bundle is opened. */
  public record Limits(int maxEntries, long maxTotalBytes) {
    public static Limits defaults() {
      return new Limits(100_000, 2L << 30);
    }
  }

  private final Cid cid;
  private final ZipFile zip;
  private final Map<String, ZipEntry> files;
  private final Set<String> dirs;
  private final int rejected;

  Bundle(Cid cid, ZipFile zip, Limits limits) throws IOException {
    this.cid = cid;
    this.zip = zip;
    Map<String, ZipEntry> f = new HashMap<>();
    Set<String> d = new HashSet<>();
    d.add("");
    int bad = 0;
    long total = 0;
    int count = 0;
    Enumeration<? extends ZipEntry> en = zip.entries();
    while (en.hasMoreElements()) {
      ZipEntry e = en.nextElement();
      if (++count > limits.maxEntries()) {
        throw new IOException(
            "bundle " + cid + " has more than " + limits.maxEntries() + " entries");
      }
      String name = e.getName();
      if (!safe(name)) {
        bad++;
        continue;
      }
      boolean dir = name.endsWith("/");
      String clean = dir ? name.substring(0, name.length() - 1) : name;
      if (clean.isEmpty()) {
        continue;
      }
      if (dir) {
        d.add(clean);
      } else {
        long size = e.getSize();
        total += Math.max(0, size);
        if (total > limits.maxTotalBytes()) {
          throw new IOException(
              "bundle " + cid + " expands to more than " + limits.maxTotalBytes() + " bytes");
        }
        f.put(clean, e);
      }
      for (int i = clean.indexOf('/'); i >= 0; i = clean.indexOf('/', i + 1)) {
        d.add(clean.substring(0, i));
      }
    }
    d.removeAll(f.keySet());
    this.files = Map.copyOf(f);
    this.dirs = Set.copyOf(d);
    this.rejected = bad;
  }

  static boolean safe(String name) {
    if (name.isEmpty()
        || name.startsWith("/")
        || name.indexOf('\\') >= 0
        || name.indexOf('\0') >= 0
        || (name.length() > 1 && name.charAt(1) == ':')) {
      return false;
    }
    for (String seg : name.split("/", -1)) {
      if (seg.equals("..") || seg.equals(".")) {
        return false;
      }
    }
    return !name.contains("//");
  }

  public Cid cid() {
    return cid;
  }

  /** Whether a regular file exists at the relative path. */
  public boolean isFile(String rel) {
    return files.containsKey(rel);
  }

  /** Whether a directory exists at the relative path ({@code ""} is the root). */
  public boolean isDir(String rel) {
    return dirs.contains(rel);
  }

  /** The uncompressed size of a file, or -1 when absent. */
  public long size(String rel) {
    ZipEntry e = files.get(rel);
    return e == null ? -1 : e.getSize();
  }

  /** Number of files served. */
  public int fileCount() {
    return files.size();
  }

  /** Entries left out because their names were unsafe. */
  public int rejectedEntries() {
    return rejected;
  }

  /** Opens a file's bytes (streamed, inflated). */
  public InputStream open(String rel) throws IOException {
    ZipEntry e = files.get(rel);
    if (e == null) {
      throw new java.io.FileNotFoundException(rel + " in bundle " + cid);
    }
    return zip.getInputStream(e);
  }
}
