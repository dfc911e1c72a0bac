package io.jtau.reconcile;

import io.jtau.model.ProjectKey;
import io.jtau.model.Snapshot;

/**
 * Drives one runtime (DNS, stores, bindings) toward a snapshot. The reconciler calls {@link
 * #prepare} for every applier before the snapshot is published (a failure stalls the key and
 * nothing changes), then {@link #apply} in wave order after it is published, before the gateway
 * routes flip. Implementations are idempotent and thread-safe, and only touch what they own for the
 * key.
 */
public interface StateApplier {

  /** Domains and DNS records. */
  int WAVE_DNS = 10;

  /** Databases, storages, messaging channels. */
  int WAVE_STORES = 20;

  /** Triggers and other bindings of functions to stores and channels. */
  int WAVE_BINDINGS = 40;

  /** A short name for events and errors. */
  String name();

  /** The wave this applier runs in; lower waves run first, deletes run in reverse. */
  int wave();

  /**
   * Checks (and may pre-compute) what applying the snapshot needs, without changing what runs.
   *
   * @throws Exception with a message a user can read when the snapshot cannot be applied
   */
  default void prepare(ProjectKey key, Snapshot snapshot) throws Exception {}

  /** Makes this runtime match the snapshot for the key. */
  void apply(ProjectKey key, Snapshot snapshot) throws Exception;
}
