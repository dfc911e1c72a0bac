package io.jtau.model;

import java.util.List;
import java.util.Objects;

/**
 * The identity block every resource carries: its id (a CID string, stable across renames), its name
 * (the file stem), an optional description, free tags and the ids of the smartops its own {@code
 * smartops:<name>} tags resolved to.
 */
public record Identity(
    String id, String name, String description, List<String> tags, List<String> smartops) {
  public Identity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    tags = tags == null ? null : List.copyOf(tags);
    smartops = smartops == null ? null : List.copyOf(smartops);
  }

  public static Identity of(String id, String name) {
    return new Identity(id, name, null, null, null);
  }
}
