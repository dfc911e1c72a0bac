package io.jtau.runtime.wasm;

import java.util.Objects;

/**
 * What the guest is told about itself and the limits it runs under, for one call.
 *
 * @param project project id (returned by {@code selfProject})
 * @param application application id, empty for project-level functions
 * @param resourceId the function's resource id ({@code selfId})
 * @param commit commit id ({@code selfCommit})
 * @param branch branch name (informational; {@code selfBranch} always answers main/master, §3.12)
 * @param call the export to call
 * @param memoryBytes guest memory limit in bytes; 0 means the largest the node allows
 * @param timeoutNanos deadline of the call; 0 means 30 seconds
 * @param services backends for database, storage, pubsub, globals and p2p
 */
public record Invocation(
    String project,
    String application,
    String resourceId,
    String commit,
    String branch,
    String call,
    long memoryBytes,
    long timeoutNanos,
    GuestServices services) {

  /** Default deadline when {@code timeoutNanos} is 0, as tau's local runner. */
  public static final long DEFAULT_TIMEOUT_NANOS = 30_000_000_000L;

  public Invocation {
    project = Objects.requireNonNullElse(project, "");
    application = Objects.requireNonNullElse(application, "");
    resourceId = Objects.requireNonNullElse(resourceId, "");
    commit = Objects.requireNonNullElse(commit, "");
    branch = Objects.requireNonNullElse(branch, "");
    Objects.requireNonNull(call, "call");
    if (memoryBytes < 0) {
      throw new IllegalArgumentException("memoryBytes < 0");
    }
    if (timeoutNanos < 0) {
      throw new IllegalArgumentException("timeoutNanos < 0");
    }
    services = Objects.requireNonNullElse(services, GuestServices.none());
  }

  /** The deadline actually applied. */
  public long effectiveTimeoutNanos() {
    return timeoutNanos == 0 ? DEFAULT_TIMEOUT_NANOS : timeoutNanos;
  }
}
