package io.jtau.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** GitHub's REST API ({@code jtau.github.*}): where hooks, deploy keys and statuses are sent. */
@ConfigMapping(prefix = "jtau.github")
public interface GithubConfig {

  /** The API base URL (GitHub Enterprise: {@code https://HOST/api/v3}). */
  @WithDefault("https://api.github.com")
  String apiUrl();
}
