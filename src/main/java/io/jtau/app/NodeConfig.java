package io.jtau.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Node configuration ({@code jtau.*}), validated at start. */
@ConfigMapping(prefix = "jtau")
public interface NodeConfig {

  /** Folder holding every durable file of the node. */
  @WithDefault("${user.home}/.jtau/node")
  String dataDir();

  /** Wipe the data folder on start. */
  @WithDefault("false")
  boolean fresh();

  /** The cloud's FQDN; generated domains are {@code <x>.g.<fqdn>}. */
  @WithDefault("dream.localhost")
  String fqdn();

  /** Branches this node serves, in preference order. */
  @WithDefault("main")
  List<String> branches();

  /** Reconcile worker threads. */
  @WithDefault("4")
  int workers();

  /** Snapshots kept per (project, branch). */
  @WithDefault("50")
  int retainSnapshots();

  /** Seconds between safety passes over every project (0 = off). */
  @WithDefault("60")
  int safetyPassSeconds();

  /** Skip DNS ownership checks (dream only). */
  @WithDefault("false")
  boolean devMode();

  /** The jtau checkout the launcher runs from (finds {@code samples/}). */
  Optional<String> projectDir();

  /** Local-cloud settings. */
  Dream dream();

  /** Settings of {@code tau dream}. */
  interface Dream {
    /** Seed sample projects and write {@code dream.json}. */
    @WithDefault("false")
    boolean enabled();

    /** Folder holding the sample projects. */
    Optional<String> samplesDir();

    /** Sample projects to seed. */
    @WithDefault("hello,kv,chat")
    List<String> samples();
  }
}
