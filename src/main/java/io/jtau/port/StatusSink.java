package io.jtau.port;

import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
import io.jtau.model.ResourceStatus;
import java.util.List;

/** Receives the outcome of reconciles: conditions and events. Thread-safe, never blocks long. */
public interface StatusSink {

  /** Replaces the conditions of a key. */
  void conditions(ProjectKey key, List<Condition> conditions);

  /**
   * Replaces the per-resource statuses of a key (every resource it owns, in a stable order).
   * Abstract on purpose: a decorating sink must forward it.
   */
  void resources(ProjectKey key, List<ResourceStatus> resources);

  /** Records an event (a plan step applied, a build, a failure) for a key. */
  void event(ProjectKey key, String type, String reason, String message);
}
