package io.jtau.runtime.wasm;

import java.util.Objects;

/**
 * A module that cannot be turned into something runnable, named by the phase that refused it (the
 * same phases Chicory uses). Guest faults during a call are never reported with this exception;
 * they become a 500 response.
 */
public final class WasmException extends Exception {

  /** Where the module was refused. */
  public enum Phase {
    /** The bytes are not a wasm binary (bad magic, truncated section, garbage). */
    MALFORMED,
    /** The binary decodes but fails validation (type errors, bad indices). */
    INVALID,
    /** An import cannot be satisfied by the host or by a library. */
    UNLINKABLE,
    /** The module is well formed but exceeds a limit of this node (size, memory). */
    LIMIT
  }

  private final Phase phase;

  public WasmException(Phase phase, String message) {
    super(message);
    this.phase = Objects.requireNonNull(phase, "phase");
  }

  public WasmException(Phase phase, String message, Throwable cause) {
    super(message, cause);
    this.phase = Objects.requireNonNull(phase, "phase");
  }

  /** The phase that refused the module. */
  public Phase phase() {
    return phase;
  }

  @Override
  public String getMessage() {
    return phase.name().toLowerCase(java.util.Locale.ROOT) + ": " + super.getMessage();
  }
}
