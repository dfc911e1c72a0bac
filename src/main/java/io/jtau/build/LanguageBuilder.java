package io.jtau.build;

import io.jtau.model.RepoTree;
import java.util.Map;

/**
 * Builds one language's sources into a Wasm module (or a website bundle). Implementations are
 * stateless and thread-safe.
 */
public interface LanguageBuilder {

  /** A short id ({@code wat}, {@code wasm}, {@code c}). */
  String id();

  /** The toolchain identity and version that determines the output. */
  String toolchain();

  /** Whether these sources are for this builder. */
  boolean accepts(RepoTree sources);

  /**
   * Builds the sources.
   *
   * @param log receives the build output a user sees
   * @throws BuildFailure with a message naming the file and problem
   */
  byte[] build(RepoTree sources, Map<String, String> settings, StringBuilder log)
      throws BuildFailure;

  /** A build that failed because of its input. */
  final class BuildFailure extends Exception {
    public BuildFailure(String message) {
      super(message);
    }

    public BuildFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
