package io.jtau.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Remote Git sources and webhooks ({@code jtau.sources.*}), validated at start. */
@ConfigMapping(prefix = "jtau.sources")
public interface SourcesConfig {

  /** Accept repository URLs on loopback, private, link-local and CGNAT addresses. */
  @WithDefault("false")
  boolean allowPrivate();

  /** Seconds between safety polls of each remote repository (±20 % jitter; 0 = off). */
  @WithDefault("60")
  int pollSeconds();

  /** Connect and read timeout of a fetch, in seconds. */
  @WithDefault("30")
  int fetchTimeoutSeconds();

  /** First retry delay after a failed fetch, in milliseconds (doubles up to the maximum). */
  @WithDefault("2000")
  int retryFirstMillis();

  /** Longest retry delay after failed fetches, in seconds. */
  @WithDefault("300")
  int retryMaxSeconds();

  /** Concurrent fetches. */
  @WithDefault("2")
  int fetchThreads();

  /** Largest webhook body accepted, in bytes (larger ones get 413 before being read). */
  @WithDefault("1048576")
  int maxHookBytes();

  /**
   * The node's public base URL, used in webhook URLs and status links (default {@code
   * http://localhost:<port>}).
   */
  Optional<String> publicUrl();
}
