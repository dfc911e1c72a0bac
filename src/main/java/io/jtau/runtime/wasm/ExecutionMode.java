package io.jtau.runtime.wasm;

/** How guest code is executed. */
public enum ExecutionMode {
  /** Chicory's runtime compiler: wasm is turned into JVM bytecode once per module. Default. */
  COMPILED,
  /** Chicory's interpreter: no compile step, about 100x slower; used by tests of both paths. */
  INTERPRETED
}
