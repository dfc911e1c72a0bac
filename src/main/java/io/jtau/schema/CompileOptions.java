package io.jtau.schema;

import java.util.Objects;

/**
 * How to compile a config repository.
 *
 * @param branch the branch the commit belongs to; only affects index values
 * @param cloudFqdn the cloud the compile runs for (selects the {@code clouds.<fqdn>} entry), or
 *     null for none
 * @param generatedSuffix the cloud's generated-domain suffix (e.g. {@code g.dream.localhost}); when
 *     set, generated domains must contain the last 8 characters of the project id, or null
 * @param devMode dev mode of the cloud (dream): custom domains need no DNS proof
 */
public record CompileOptions(
    String branch, String cloudFqdn, String generatedSuffix, boolean devMode) {
  public CompileOptions {
    Objects.requireNonNull(branch, "branch");
    if (branch.isBlank()) {
      throw new IllegalArgumentException("branch is empty");
    }
  }

  /** Branch {@code main}, no cloud, no generated suffix, not dev mode. */
  public static CompileOptions defaults() {
    return new CompileOptions("main", null, null, false);
  }
}
