package io.jtau.reconcile;

import io.jtau.model.FunctionTarget;

/**
 * Makes a function version ready to serve (fetch and compile its module) before any route points at
 * it. Idempotent and side-effect free for other versions: preparing a module twice costs a cache
 * lookup. Thread-safe; blocks while compiling.
 */
public interface ModulePreparer {

  /**
   * Prepares the target's module.
   *
   * @throws Exception with a message a user can read when the module cannot run (invalid, over the
   *     memory limit)
   */
  void prepare(FunctionTarget target) throws Exception;
}
