package io.jtau.store;

import io.jtau.model.Cid;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the {@code tau store} commands do, as plain Java over a data folder: add a file (pinned by
 * {@value #CLI_OWNER}), write verified content out, collect garbage, verify. Opens the store on
 * construction and closes it on {@link #close}; one tool per data folder at a time (the index is
 * locked). Not thread-safe beyond what {@link FileContentStore} offers.
 */
public final class StoreTool implements AutoCloseable {

  /** Owner of pins made by {@link #add}. */
  public static final String CLI_OWNER = "cli:add";

  /** The default data folder: {@code ${user.home}/.jtau/store}. */
  public static Path defaultDataDir() {
    return Path.of(System.getProperty("user.home"), ".jtau", "store");
  }

  private final FileContentStore store;

  /** Opens (creating if needed) the store in {@code dataDir}. */
  public StoreTool(Path dataDir) throws IOException {
    this.store = new FileContentStore(dataDir);
  }

  /** Stores and pins a file; returns its CID (the one {@code ipfs add} would print). */
  public Cid add(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new java.io.FileNotFoundException("not a regular file: " + file);
    }
    Cid cid;
    try (InputStream in = Files.newInputStream(file)) {
      cid = store.put(in);
    }
    store.pin(cid, CLI_OWNER);
    return cid;
  }

  /**
   * Writes the verified content of {@code cid} to {@code out}; bytes are written block by block
   * only after each block verified, so a failure leaves a verified prefix.
   */
  public long cat(Cid cid, OutputStream out) throws IOException {
    try (InputStream in = store.open(cid)) {
      return in.transferTo(out);
    }
  }

  /** Collects unpinned blocks older than {@code grace}. */
  public FileContentStore.GcReport gc(Duration grace) throws IOException {
    return store.gc(grace);
  }

  /** Collects unpinned blocks older than one hour. */
  public FileContentStore.GcReport gc() throws IOException {
    return gc(Duration.ofHours(1));
  }

  /** Reads and checks every block. */
  public FileContentStore.VerifyReport verify() throws IOException {
    return store.verify();
  }

  /** The store's counts. */
  public FileContentStore.Stats stats() {
    return store.stats();
  }

  @Override
  public void close() {
    store.close();
  }
}
