package io.jtau.build;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import io.jtau.port.Builder;
import io.jtau.store.FileContentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real build stack in a temp folder: content store, cache, job queue, sandbox, service. */
final class BuildFixture implements AutoCloseable {

  final Path dir;
  final FileContentStore store;
  final BuildCache cache;
  final BuildJobs jobs;
  final Sandbox sandbox;
  final BuildService service;
  final ExecutorService executor;
  final List<BuildJobs.Job> ended = new java.util.concurrent.CopyOnWriteArrayList<>();

  BuildFixture(Path dir) throws IOException {
    this(dir, Sandbox.Limits.defaults(), BuildJobs.Limits.defaults(), false);
  }

  BuildFixture(Path dir, Sandbox.Limits limits, BuildJobs.Limits jobLimits, boolean network)
      throws IOException {
    this.dir = dir;
    this.store = new FileContentStore(dir.resolve("store"));
    this.cache = new BuildCache(dir.resolve("cache"));
    this.executor = Executors.newFixedThreadPool(jobLimits.node());
    this.jobs =
        new BuildJobs(
            dir.resolve("jobs"),
            jobLimits,
            executor,
            Clock.systemUTC(),
            new Random(),
            store,
            this::pin,
            ended::add);
    this.sandbox =
        new Sandbox(
            new Sandbox.Config(
                Sandbox.findBwrap(),
                false,
                network,
                Path.of(System.getProperty("java.io.tmpdir"), "jtau-builds-test"),
                limits),
            new Random());
    this.service =
        new BuildService(
            store, cache, jobs, sandbox, BuildService.allBuilders(npmCache()), this::pin);
  }

  static Path npmCache() {
    return Path.of(System.getProperty("user.home"), ".cache", "jtau", "npm");
  }

  void pin(io.jtau.model.Cid cid, String owner) {
    try {
      store.pin(cid, owner);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Sandbox.Limits limits(Duration wall, long maxOutput) {
    return new Sandbox.Limits(wall, 60, 16L << 30, maxOutput, 64);
  }

  /** A source tree from alternating path, text arguments. */
  static RepoTree tree(String... pathsAndTexts) {
    Map<String, RepoFile> files = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndTexts.length; i += 2) {
      byte[] b = pathsAndTexts[i + 1].getBytes(StandardCharsets.UTF_8);
      files.put(
          pathsAndTexts[i],
          new RepoFile(pathsAndTexts[i], BuildService.sha256(pathsAndTexts[i + 1]), b));
    }
    return RepoTree.of("c0ffee", files);
  }

  static RepoTree tree(Map<String, byte[]> raw) {
    Map<String, RepoFile> files = new LinkedHashMap<>();
    raw.forEach((p, b) -> files.put(p, new RepoFile(p, Integer.toHexString(b.length), b)));
    return RepoTree.of("c0ffee", files);
  }

  static Builder.Request request(
      String project, String name, String kind, RepoTree tree, Map<String, String> settings) {
    String hash =
        BuildService.sha256(project + name + kind + tree.files().keySet() + contents(tree));
    return new Builder.Request(project, "id-" + name, name, kind, hash, () -> tree, settings);
  }

  private static String contents(RepoTree t) {
    List<String> s = new ArrayList<>();
    t.files().values().forEach(f -> s.add(f.blobId()));
    return s.toString();
  }

  /** A workflow build: .taubyte/config.yaml with one step "build" running the script. */
  static RepoTree workflow(String script, String... extra) {
    String[] all = new String[4 + extra.length];
    all[0] = ".taubyte/config.yaml";
    all[1] = "version: 1\nenvironment:\n  image: taubyte/go-wasi:latest\nworkflow:\n  - build\n";
    all[2] = ".taubyte/build.sh";
    all[3] = script;
    System.arraycopy(extra, 0, all, 4, extra.length);
    return tree(all);
  }

  @Override
  public void close() throws Exception {
    jobs.close();
    executor.shutdownNow();
    cache.close();
    store.close();
  }
}
