package io.jtau.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The build id → project lookup of the access filter, over the node's build jobs (an in-memory map
 * behind a short lock: never blocks on I/O). Thread-safe.
 */
@ApplicationScoped
public class BuildProjects implements ProjectOfBuild {

  @Inject Node node;

  @Override
  public Optional<String> projectOf(String buildId) {
    var jobs = node.buildJobs();
    return jobs == null ? Optional.empty() : jobs.get(buildId).map(j -> j.project());
  }
}
