package io.jtau.model;

import java.util.List;
import java.util.Objects;

/**
 * The status of one resource a (project, branch) owns: its kind word ({@code function}, {@code
 * route}...), scope (application id or {@code ""}), id, name and conditions ({@code Ready} with
 * reason, message and the revision it was observed at).
 */
public record ResourceStatus(
    String kind, String application, String id, String name, List<Condition> conditions) {
  public ResourceStatus {
    Objects.requireNonNull(kind, "kind");
    application = application == null ? "" : application;
    Objects.requireNonNull(id, "id");
    conditions = List.copyOf(conditions);
  }
}
