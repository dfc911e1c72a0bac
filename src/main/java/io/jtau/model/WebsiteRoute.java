package io.jtau.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One website on one host: requests for {@code host} (lower case, no port) whose path matches one
 * of {@code paths} (tau's website scoring) are served from the target's bundle. The order of paths
 * is kept: among equal scores the first path wins.
 */
public record WebsiteRoute(String host, List<String> paths, WebsiteTarget website) {
  public WebsiteRoute {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(website, "website");
    host = host.toLowerCase(Locale.ROOT);
    paths = List.copyOf(paths);
  }
}
