package io.jtau.port;

import io.jtau.model.ProjectKey;
import java.util.Set;

/**
 * Drives one runtime (gateway routes, Wasm modules, DNS records, stores) toward a desired state.
 * {@code R} is the driver's own description of a resource. Implementations only ever see and change
 * what they own.
 */
public interface RuntimeDriver<R> {

  /** The resources of this key that this driver currently owns. */
  Set<R> observe(ProjectKey key);

  /** Makes the driver's state for the key equal to {@code desired}. Idempotent. */
  void apply(ProjectKey key, Set<R> desired);
}
