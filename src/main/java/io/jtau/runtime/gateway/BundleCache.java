package io.jtau.runtime.gateway;

import io.jtau.model.Cid;
import io.jtau.port.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipFile;

/**
 * Opens website bundles by CID, once: the verified bytes are copied from the content store to a
 * local file named by the CID (temp file, then atomic rename) and the ZIP's central directory is
 * read and kept. At most {@code maxOpen} bundles stay open (least recently used go first; an
 * evicted bundle's file handle closes when no request uses it any more). Thread-safe; {@link #open}
 * blocks, {@link #cached} does not.
 */
public final class BundleCache implements Gateway.BundleFiles {

  private final ContentStore store;
  private final Path dir;
  private final Bundle.Limits limits;
  private final int maxOpen;
  private final Map<Cid, Bundle> open = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentLinkedDeque<Cid> openOrder =
      new java.util.concurrent.ConcurrentLinkedDeque<>();

  public BundleCache(ContentStore store, Path dir, int maxOpen, Bundle.Limits limits) {
    this.store = store;
    this.dir = dir;
    this.limits = limits;
    this.maxOpen = maxOpen;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create bundle cache " + dir, e);
    }
  }

  /** The bundle if it is already open. Never blocks on I/O. */
  public Optional<Bundle> cached(Cid cid) {
    return Optional.ofNullable(open.get(cid));
  }

  /**
   * Opens a bundle (copying it from the content store the first time). Blocking.
   *
   * @throws IOException when the content is missing, corrupt, not a ZIP, or over the limits
   */
  public Bundle open(Cid cid) throws IOException {
    Optional<Bundle> hit = cached(cid);
    if (hit.isPresent()) {
      return hit.get();
    }
    synchronized (lockFor(cid)) {
      hit = cached(cid);
      if (hit.isPresent()) {
        return hit.get();
      }
      Path file = dir.resolve(cid.value() + ".zip");
      if (!Files.isRegularFile(file)) {
        Path tmp = Files.createTempFile(dir, cid.value(), ".tmp");
        try (InputStream in = store.open(cid)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      Bundle b;
      try {
        b = new Bundle(cid, new ZipFile(file.toFile()), limits);
      } catch (java.util.zip.ZipException e) {
        throw new IOException("website bundle " + cid + " is not a ZIP: " + e.getMessage(), e);
      }
      open.put(cid, b);
      openOrder.addLast(cid);
      // Oldest opened first out: a website that is deployed again is simply re-opened.
      while (open.size() > maxOpen) {
        Cid eldest = openOrder.pollFirst();
        if (eldest == null) {
          break;
        }
        open.remove(eldest);
      }
      return b;
    }
  }

  private final Map<Cid, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

  private Object lockFor(Cid cid) {
    return locks.computeIfAbsent(cid, c -> new Object());
  }

  @Override
  public boolean isFile(Cid bundle, String relativePath) {
    return cached(bundle).map(b -> b.isFile(relativePath)).orElse(false);
  }

  /** Folder holding the local copies of bundles and derived files. */
  public Path dir() {
    return dir;
  }
}
