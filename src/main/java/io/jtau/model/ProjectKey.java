package io.jtau.model;

import java.util.Objects;

/**
 * The key the reconcile loop works on: one project served from one branch. Never carries event
 * payloads; the reconciler re-reads everything it needs from this key alone.
 */
public record ProjectKey(String project, String branch) {
  public ProjectKey {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(branch, "branch");
    if (project.isBlank()) {
      throw new IllegalArgumentException("project name is empty");
    }
    if (branch.isBlank()) {
      throw new IllegalArgumentException("branch name is empty");
    }
  }

  @Override
  public String toString() {
    return project + "@" + branch;
  }
}
