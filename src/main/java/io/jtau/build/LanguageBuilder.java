package io.jtau.build;

import io.jtau.model.RepoTree;

/**
 * Builds one language's sources into an artifact: a Wasm module for functions and libraries, a ZIP
 * of the output folder for websites, a JS file for JavaScript functions. Implementations are
 * stateless and thread-safe; {@link #toolchain()} is computed once.
 */
public interface LanguageBuilder {

  /** A short id ({@code wat}, {@code wasm}, {@code c}). */
  String id();

  /**
   * The toolchain identity and version that determines the output ({@code absent} when it is not
   * installed); part of the build fingerprint, so an upgrade rebuilds.
   */
  String toolchain();

  /**
   * Whether these sources of a resource of this kind ({@code function}...) are for this builder.
   */
  boolean accepts(String kind, RepoTree sources);

  /**
   * Builds the sources.
   *
   * @throws BuildFailure with a message naming the file and problem
   */
  byte[] build(BuildContext ctx) throws BuildFailure;

  /** A build that did not produce an artifact; {@link #reason()} says how it ended. */
  final class BuildFailure extends Exception {

    /** How a failed build ended. */
    public enum Reason {
      FAILED,
      TIMED_OUT,
      CANCELLED
    }

    private final Reason reason;

    public BuildFailure(String message) {
      this(Reason.FAILED, message);
    }

    public BuildFailure(String message, Throwable cause) {
      super(message, cause);
      this.reason = Reason.FAILED;
    }

    public BuildFailure(Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }
}
