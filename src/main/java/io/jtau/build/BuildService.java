package io.jtau.build;

import io.jtau.model.Cid;
import io.jtau.model.RepoTree;
import io.jtau.port.Builder;
import io.jtau.port.ContentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds through the first language builder that accepts the sources, stores the output in the
 * content store and remembers it by input hash. A request whose input hash was built before (and
 * whose artifact is still stored) returns at once without reading its sources. Concurrent requests
 * for the same input hash build once. Thread-safe.
 */
public final class BuildService implements Builder {

  private final ContentStore store;
  private final BuildCache cache;
  private final List<LanguageBuilder> builders;
  private final String fingerprint;
  private final AtomicLong buildsRun = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final ConcurrentHashMap<String, Object> inFlight = new ConcurrentHashMap<>();

  public BuildService(ContentStore store, BuildCache cache, List<LanguageBuilder> builders) {
    this.store = store;
    this.cache = cache;
    this.builders = List.copyOf(builders);
    StringBuilder f = new StringBuilder("jtau-build-1");
    for (LanguageBuilder b : builders) {
      f.append('|').append(b.id()).append('=').append(b.toolchain());
    }
    this.fingerprint = sha256(f.toString());
  }

  /** The default builders: WAT and prebuilt Wasm. */
  public static List<LanguageBuilder> defaultBuilders() {
    return List.of(new WatBuilder(), new WasmBuilder());
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  /** How many builds actually ran (cache misses that built). */
  public long buildsRun() {
    return buildsRun.get();
  }

  /** How many requests were answered from the cache. */
  public long cacheHits() {
    return cacheHits.get();
  }

  @Override
  public Result build(Request request) {
    Optional<Built> hit = cached(request.inputHash());
    if (hit.isPresent()) {
      return hit.get();
    }
    Object lock = inFlight.computeIfAbsent(request.inputHash(), k -> new Object());
    try {
      synchronized (lock) {
        hit = cached(request.inputHash());
        if (hit.isPresent()) {
          return hit.get();
        }
        return run(request);
      }
    } finally {
      inFlight.remove(request.inputHash(), lock);
    }
  }

  private Optional<Built> cached(String inputHash) {
    Optional<Cid> cid = cache.get(inputHash);
    if (cid.isPresent() && store.has(cid.get())) {
      cacheHits.incrementAndGet();
      return Optional.of(new Built(cid.get(), true, 0, ""));
    }
    return Optional.empty();
  }

  private Result run(Request request) {
    long start = System.nanoTime();
    StringBuilder log = new StringBuilder();
    RepoTree sources = request.sources().get();
    if (!sources.problems().isEmpty()) {
      return new Failed(
          request.kind() + " " + request.resourceName() + ": " + sources.problems().get(0), "");
    }
    LanguageBuilder builder =
        builders.stream().filter(b -> b.accepts(sources)).findFirst().orElse(null);
    if (builder == null) {
      return new Failed(
          request.kind()
              + " "
              + request.resourceName()
              + ": no buildable source found (expected main.wat, *.wat or main.wasm)",
          "");
    }
    buildsRun.incrementAndGet();
    try {
      byte[] out = builder.build(sources, request.settings(), log);
      Cid cid = store.put(out);
      cache.put(request.inputHash(), cid);
      return new Built(cid, false, (System.nanoTime() - start) / 1_000_000, log.toString());
    } catch (LanguageBuilder.BuildFailure e) {
      return new Failed(
          request.kind() + " " + request.resourceName() + ": " + e.getMessage(), log.toString());
    } catch (IOException e) {
      return new Failed("storing the artifact failed: " + e.getMessage(), log.toString());
    }
  }

  /** Hex SHA-256 of the UTF-8 text. */
  public static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
