package io.jtau.port;

import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
import java.util.List;

/** Receives the outcome of reconciles: conditions and events. Thread-safe, never blocks long. */
public interface StatusSink {

  /** Replaces the conditions of a key. */
  void conditions(ProjectKey key, List<Condition> conditions);

  /** Records an event (a plan step applied, a build, a failure) for a key. */
  void event(ProjectKey key, String type, String reason, String message);
}
