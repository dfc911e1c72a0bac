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
 * @param compiled tau's compatibility view (config-format.md 10 and 11): {@code object} → the
 *     compiled project object, {@code indexes} → the registry index map; may be empty
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

  /** Key of {@link #compiled()} holding tau's compiled project object. */
  public static final String COMPILED_OBJECT = "object";

  /** Key of {@link #compiled()} holding the registry index map (index key → value). */
  public static final String COMPILED_INDEXES = "indexes";

  /** The compiled view of a compile's object and index map. */
  public static Map<String, Object> compiledView(
      Map<String, Object> object, Map<String, Object> indexes) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put(COMPILED_OBJECT, object == null ? Map.of() : object);
    m.put(COMPILED_INDEXES, indexes == null ? Map.of() : indexes);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The registry index map of this snapshot (index key → value), empty when absent. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> indexes() {
    Object v = compiled.get(COMPILED_INDEXES);
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
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
