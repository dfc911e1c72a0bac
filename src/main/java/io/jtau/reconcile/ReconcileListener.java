package io.jtau.reconcile;

import io.jtau.model.ProjectKey;
import io.jtau.model.ReconcileResult;

/** Observes reconcile runs, for metrics. Called on the reconciling thread; must not block. */
public interface ReconcileListener {

  void finished(ProjectKey key, ReconcileResult result, long nanos);

  ReconcileListener NONE = (k, r, n) -> {};
}
