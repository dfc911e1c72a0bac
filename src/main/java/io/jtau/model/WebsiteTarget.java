package io.jtau.model;

import java.util.Objects;

/**
 * A deployed website version: which project and resource, and the CID of its bundle (a ZIP of the
 * build's output folder, relative forward-slash paths). Equal targets denote the same deployed
 * files.
 */
public record WebsiteTarget(
    ProjectKey key,
    String projectId,
    String application,
    String resourceId,
    String name,
    Cid bundle,
    String commit) {
  public WebsiteTarget {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(bundle, "bundle");
  }
}
