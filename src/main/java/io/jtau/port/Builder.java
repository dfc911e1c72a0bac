package io.jtau.port;

import io.jtau.model.Cid;
import io.jtau.model.RepoTree;
import java.util.Map;

/**
 * Turns sources into an artifact in the content store. Idempotent per input hash: a second
 * request with an input hash already built returns the stored artifact without building.
 * Thread-safe; blocks while building.
 */
public interface Builder {

  /** Builds (or finds) the artifact for the request. */
  Result build(Request request);

  /**
   * What to build.
   *
   * @param kind {@code function}, {@code library}, {@code website} or {@code smartop}
   * @param inputHash hash of everything that determines the output (source tree id, build
   *     config, toolchain version)
   * @param sources the files to build, paths relative to the resource's folder
   * @param settings resource settings that matter to the builder (e.g. {@code call})
   */
  record Request(
      String project,
      String resourceId,
      String resourceName,
      String kind,
      String inputHash,
      RepoTree sources,
      Map<String, String> settings) {}

  /** Outcome of a build: an artifact, or a failure a user can read. */
  sealed interface Result permits Built, Failed {}

  /** The artifact; {@code cached} is true when nothing was built. */
  record Built(Cid artifact, boolean cached, long millis, String log) implements Result {}

  /** The build failed; {@code message} names the file and the problem. */
  record Failed(String message, String log) implements Result {}
}
