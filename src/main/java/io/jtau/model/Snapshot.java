package io.jtau.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, commit-versioned record of what one (project, branch) runs: the compiled config of
 * the config commit, the code commit its artifacts were built from, and the artifact of every built
 * resource (asset key → CID). A snapshot carries its artifacts, so making an older snapshot current
 * again rolls code back together with config.
 *
 * @param revision unique per (config commit, code commit) pair
 * @param assets asset key ({@link #assetKey(Resource)}) → CID of the built artifact
 * @param compiled tau's compiled project object (compatibility view; may be empty)
 */
public record Snapshot(
    ProjectKey key,
    String revision,
    String configCommit,
    String codeCommit,
    long createdAtMillis,
    ProjectConfig config,
    Map<String, String> assets,
    Map<String, Object> compiled,
    List<Problem> warnings) {
  public Snapshot {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(configCommit, "configCommit");
    codeCommit = codeCommit == null ? "" : codeCommit;
    Objects.requireNonNull(config, "config");
    assets = Map.copyOf(assets);
    compiled = compiled == null ? Map.of() : compiled;
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** The revision id of a (config commit, code commit) pair. */
  public static String revisionOf(String configCommit, String codeCommit) {
    return codeCommit == null || codeCommit.isEmpty()
        ? configCommit
        : configCommit + "+" + codeCommit;
  }

  /** Key of a resource's artifact: scope and id, so equal ids in two scopes never collide. */
  public static String assetKey(Resource r) {
    return (r.application() == null ? "" : r.application()) + "/" + r.id();
  }
}
