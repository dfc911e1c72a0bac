package io.jtau.model;

import java.util.Objects;

/**
 * A deployed function version: which project and resource, the compiled module's CID, the export to
 * call and the limits. Equal targets denote the same deployed code.
 */
public record FunctionTarget(
    ProjectKey key,
    String projectId,
    String application,
    String resourceId,
    String name,
    Cid module,
    String call,
    long memoryBytes,
    long timeoutNanos,
    String commit) {
  public FunctionTarget {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(call, "call");
  }
}
