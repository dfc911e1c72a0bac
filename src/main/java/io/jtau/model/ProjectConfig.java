package io.jtau.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A compiled project: its identity block, its applications and every resource of every scope
 * (project scope first, then each application, each in tau's group order). Immutable.
 */
public record ProjectConfig(
    String id,
    String name,
    String description,
    String email,
    String account,
    String plan,
    List<String> tags,
    List<Application> applications,
    List<Resource> resources) {
  public ProjectConfig {
    Objects.requireNonNull(id, "id");
    tags = tags == null ? null : List.copyOf(tags);
    applications = List.copyOf(applications);
    resources = List.copyOf(resources);
  }

  /** All resources of one kind, every scope, in declaration order. */
  public <R extends Resource> List<R> all(Class<R> type) {
    List<R> out = new ArrayList<>();
    for (Resource r : resources) {
      if (type.isInstance(r)) {
        out.add(type.cast(r));
      }
    }
    return out;
  }

  /** The resource with this id, searching the given scope ({@code null} = project scope). */
  public Optional<Resource> byId(String application, String id) {
    for (Resource r : resources) {
      if (r.id().equals(id) && Objects.equals(r.application(), application)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The domain with this id: the application's own first, then the project's. */
  public Optional<Resource.Domain> domain(String application, String id) {
    Optional<Resource.Domain> found = Optional.empty();
    for (Resource.Domain d : all(Resource.Domain.class)) {
      if (d.id().equals(id)) {
        if (Objects.equals(d.application(), application)) {
          return Optional.of(d);
        }
        if (d.application() == null) {
          found = Optional.of(d);
        }
      }
    }
    return found;
  }
}
