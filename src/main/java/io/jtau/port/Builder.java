package io.jtau.port;

import io.jtau.model.Cid;
import io.jtau.model.RepoTree;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns sources into an artifact in the content store. Idempotent per input hash: a second request
 * with an input hash already built returns the stored artifact without building. Thread-safe;
 * blocks while building.
 */
public interface Builder {

  /** Builds (or finds) the artifact for the request. */
  Result build(Request request);

  /**
   * A fingerprint of every toolchain this builder may use; part of every input hash, so a toolchain
   * upgrade rebuilds.
   */
  String fingerprint();

  /**
   * What to build.
   *
   * @param kind {@code function}, {@code library}, {@code website} or {@code smartop}
   * @param inputHash hash of everything that determines the output (source tree id, build config,
   *     toolchain version)
   * @param sources the files to build, paths relative to the resource's folder; only read when the
   *     input hash was never built
   * @param settings resource settings that matter to the builder (e.g. {@code call})
   * @param cancellation cancelled when the build's result is no longer wanted (a newer commit
   *     arrived); a builder should stop early and return {@link Failed}. Never null ({@link
   *     CancellationToken#NONE} when absent)
   */
  record Request(
      String project,
      String resourceId,
      String resourceName,
      String kind,
      String inputHash,
      Supplier<RepoTree> sources,
      Map<String, String> settings,
      CancellationToken cancellation) {
    public Request {
      cancellation = cancellation == null ? CancellationToken.NONE : cancellation;
    }

    /** A request that is never cancelled. */
    public Request(
        String project,
        String resourceId,
        String resourceName,
        String kind,
        String inputHash,
        Supplier<RepoTree> sources,
        Map<String, String> settings) {
      this(
          project,
          resourceId,
          resourceName,
          kind,
          inputHash,
          sources,
          settings,
          CancellationToken.NONE);
    }
  }

  /** Outcome of a build: an artifact, or a failure a user can read. */
  sealed interface Result permits Built, Failed {}

  /** The artifact; {@code cached} is true when nothing was built. */
  record Built(Cid artifact, boolean cached, long millis, String log) implements Result {}

  /** The build failed; {@code message} names the file and the problem. */
  record Failed(String message, String log) implements Result {}
}
