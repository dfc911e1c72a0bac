package io.jtau.reconcile;

import io.jtau.port.SourceRepository;
import java.util.Optional;

/** Finds the repositories of a project. Thread-safe. */
public interface ProjectSources {

  /** The project's config repository, if the project exists. */
  Optional<SourceRepository> config(String project);

  /** The project's code repository (functions and smartops with {@code source: .}). */
  Optional<SourceRepository> code(String project);

  /**
   * The repository a website or library of the project names ({@code source.github.fullname},
   * {@code owner/name}), if this node can read it.
   */
  default Optional<SourceRepository> repository(String project, String fullname) {
    return Optional.empty();
  }
}
