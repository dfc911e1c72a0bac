package io.jtau.reconcile;

import io.jtau.model.ProjectKey;
import io.jtau.model.Snapshot;
import java.util.List;

/**
 * Drives one runtime (DNS, stores, bindings) toward a snapshot. The reconciler calls {@link
 * #prepare} for every applier before the snapshot is published (a failure stalls the key and
 * nothing changes), then {@link #apply} in wave order after it is published, before the gateway
 * routes flip, and finally {@link #prune} in reverse wave order after the routes flipped, with the
 * resources the previous inventory listed and the new one does not. Implementations are idempotent
 * and thread-safe, and only touch what they own for the key.
 */
public interface StateApplier {

  /** Domains and DNS records. */
  int WAVE_DNS = 10;

  /** Databases, storages, messaging channels. */
  int WAVE_STORES = 20;

  /** Builds of libraries, functions and websites (run by the reconciler itself). */
  int WAVE_BUILDS = 30;

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

  /**
   * Makes this runtime match the snapshot, knowing the plan from the previous snapshot ({@code
   * plan.inWave(...)} lists this wave's actions; its deletes are for information, they are passed
   * to {@link #prune} once the routes flipped). Defaults to {@link #apply(ProjectKey, Snapshot)}.
   */
  default void apply(ProjectKey key, Snapshot snapshot, Plan plan) throws Exception {
    apply(key, snapshot);
  }

  /**
   * Removes what the key no longer declares: {@code deletes} are the plan's delete actions (every
   * wave, reverse wave order, each naming a resource of the previous inventory) plus deletes that
   * failed in an earlier run. Must ignore resources it does not own and succeed when they are
   * already gone. A failure keeps the deletes pending; the next run retries them.
   */
  default void prune(ProjectKey key, Snapshot snapshot, List<Plan.Action> deletes)
      throws Exception {}
}
