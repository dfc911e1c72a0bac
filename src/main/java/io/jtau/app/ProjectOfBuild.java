package io.jtau.app;

import java.util.Optional;

/**
 * Finds the project a build belongs to, so that {@code GET /api/builds/{id}/**} can be allowed to a
 * project token with {@code read} on that project. Until a bean implementing this is present (the
 * builds API provides one), those paths need the operator token. Implementations must be
 * thread-safe and must not block: the access filter calls them on the event loop for every such
 * request.
 */
public interface ProjectOfBuild {

  /** The project of the build, or empty when no such build exists. */
  Optional<String> projectOf(String buildId);
}
