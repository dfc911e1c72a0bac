package io.jtau.dream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jtau.app.HttpPort;
import io.jtau.app.Node;
import io.jtau.build.BuildJobs;
import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The local cloud: when {@code jtau.dream.enabled}, seeds the sample projects into the node's Git
 * server, waits until each one is applied (routes live) or stalled (it cannot apply until a new
 * commit, e.g. a build whose toolchain is missing), prints each step with its duration, then the
 * URLs and clone commands, and writes {@code <data>/dream.json} for scripts. Runs on its own thread
 * so start-up is not blocked. {@link #reset} puts the samples back to their seeded state without a
 * restart. Thread-safe.
 */
@ApplicationScoped
public class Dream {

  private static final Logger LOG = Logger.getLogger(Dream.class);
  private static final long DEADLINE_NANOS = 120_000_000_000L;

  @Inject Node node;
  @Inject HttpPort port;

  private volatile boolean ready;
  // Bumped by every reset: only the latest start or reset may declare the dream ready.
  private final java.util.concurrent.atomic.AtomicLong generation =
      new java.util.concurrent.atomic.AtomicLong();
  private final Map<String, Progress.Outcome> outcomes = new ConcurrentHashMap<>();

  /**
   * What a reset did: the samples put back, the other hosted projects (left as they are) and, per
   * reset sample, what of its data was deleted.
   */
  public record ResetResult(
      List<String> reset, List<String> kept, Map<String, io.jtau.app.DataPlane.Wiped> wiped) {
    public ResetResult {
      reset = List.copyOf(reset);
      kept = List.copyOf(kept);
      wiped = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(wiped));
    }
  }

  // After Node's own start-up observer (default priority), so its timed steps are known.
  void onStart(@Observes @Priority(5000) StartupEvent ev) {
    if (!node.config().dream().enabled()) {
      return;
    }
    long bootMillis = ManagementFactory.getRuntimeMXBean().getUptime();
    Thread t = new Thread(() -> run(bootMillis), "dream-seed");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Whether every sample was seeded and has applied or stalled (a reset clears it until the samples
   * are back).
   */
  public boolean ready() {
    return ready;
  }

  /** How each sample project ended its last start or reset: ready, Stalled: ..., pending: .... */
  public Map<String, String> sampleStates() {
    Map<String, String> out = new java.util.TreeMap<>();
    outcomes.forEach((k, v) -> out.put(k, Progress.state(v)));
    return out;
  }

  /** Seeds one sample project (if its repositories are empty) and asks for its reconcile. */
  public boolean seed(String name) throws IOException {
    return seedRepos(name) >= 0;
  }

  /** Seeds the sample's repositories: the number written, or -1 when there is no such sample. */
  private synchronized int seedRepos(String name) throws IOException {
    Path dir = samplesDir().resolve(name);
    if (!io.jtau.source.GitRepositories.validName(name)
        || !Files.isDirectory(dir.resolve("config"))) {
      return -1;
    }
    String branch = node.config().branches().get(0);
    int written = 0;
    for (String repo : sampleRepos(dir)) {
      var r = node.git().create(name, repo);
      if (SampleSeeder.seed(r.repository(), dir.resolve(repo), branch, node.generatedSuffix())) {
        written++;
      }
    }
    node.enqueueAllBranches(name);
    return written;
  }

  /** config and code first, then any other folder (website and library repositories). */
  private static List<String> sampleRepos(Path dir) throws IOException {
    List<String> repos = new ArrayList<>();
    for (String first : List.of("config", "code")) {
      if (Files.isDirectory(dir.resolve(first))) {
        repos.add(first);
      }
    }
    try (var entries = Files.list(dir)) {
      entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !repos.contains(n) && io.jtau.source.GitRepositories.validName(n))
          .sorted()
          .forEach(repos::add);
    }
    return repos;
  }

  /** The sample projects available to seed. */
  public List<String> availableSamples() {
    try (var s = Files.list(samplesDir())) {
      return s.filter(p -> Files.isDirectory(p.resolve("config")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Puts every default sample project back to its seeded state without a restart: each of its
   * repositories gets its served branch forced back to the seed commit (the same commit the dream
   * first wrote, so nothing is rebuilt) and its other branches deleted; the reconciler then
   * re-applies it. Its data is deleted, as a fresh dream would have it: key/value databases,
   * globals, object storages (their content unpinned for gc) and pub/sub subscriptions (see {@link
   * io.jtau.app.DataPlane#wipe}). Projects that are not default samples (injected samples, your
   * own) keep their code and their data. Blocks while the data is deleted, then returns; {@link
   * #ready()} is false until every reset sample has applied or stalled again. Idempotent.
   */
  public synchronized ResetResult reset() throws IOException {
    long since = System.currentTimeMillis();
    long gen = generation.incrementAndGet();
    ready = false;
    String branch = node.config().branches().get(0);
    List<String> names = new ArrayList<>();
    Map<String, io.jtau.app.DataPlane.Wiped> wiped = new java.util.TreeMap<>();
    for (String name : node.config().dream().samples()) {
      Path dir = samplesDir().resolve(name);
      if (!Files.isDirectory(dir.resolve("config"))) {
        continue;
      }
      for (String repo : sampleRepos(dir)) {
        var r = node.git().create(name, repo);
        SampleSeeder.reset(r.repository(), dir.resolve(repo), branch, node.generatedSuffix());
      }
      // Issue #11: a reset gives the samples back as a fresh dream would, data included. Requests
      // still served by the old snapshot until the re-apply below may write again; none do in a
      // quiet dream, and the next reset wipes them.
      wiped.put(name, node.data().wipe(name));
      for (String b : node.config().branches()) {
        // Re-apply even when the branch was already at the seed commit (a no-op run would skip).
        node.reconciler().forget(new ProjectKey(name, b));
      }
      node.enqueueAllBranches(name);
      names.add(name);
    }
    java.util.TreeSet<String> kept = new java.util.TreeSet<>();
    for (String[] r : node.git().list()) {
      if (!names.contains(r[0])) {
        kept.add(r[0]);
      }
    }
    out("jtau dream: reset " + Progress.names(names) + " to the seeded state");
    Thread t =
        new Thread(
            () -> {
              try {
                awaitSamples(names, branch, since, false);
                writeDreamJson(port.get(), names, branch);
                if (generation.get() == gen) {
                  ready = true;
                }
                out("jtau dream: reset done; " + Progress.names(names) + " back to the samples");
              } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "dream reset failed: %s", e.getMessage());
              }
            },
            "dream-reset");
    t.setDaemon(true);
    t.start();
    return new ResetResult(names, List.copyOf(kept), wiped);
  }

  private boolean json() {
    return "json".equals(node.config().dream().output());
  }

  private void run(long bootMillis) {
    try {
      long t0 = System.nanoTime();
      long gen = generation.get();
      int httpPort = port.get();
      Path samples = samplesDir();
      String branch = node.config().branches().get(0);
      List<Node.StartupStep> steps = node.startupSteps();
      long nodeMillis = steps.stream().mapToLong(Node.StartupStep::millis).sum();
      progress(
          Progress.step("boot", Math.max(0, bootMillis - nodeMillis), "JVM, Quarkus, HTTP server"));
      progress(Progress.step("open", nodeMillis, "the node's stores and services:"));
      for (Node.StartupStep s : steps) {
        progress(Progress.substep(s.name(), s.millis()));
      }
      List<String> names = node.config().dream().samples();
      List<String> found = new ArrayList<>();
      int written = 0;
      for (String name : names) {
        int n = seedRepos(name);
        if (n < 0) {
          LOG.warnf("sample %s not found under %s", name, samples);
        } else {
          found.add(name);
          written += n;
        }
      }
      progress(
          Progress.step(
              "seed",
              (System.nanoTime() - t0) / 1_000_000,
              Progress.names(found)
                  + (written == 0
                      ? " (kept from the last run)"
                      : " (" + written + " repositories written from " + samples + ")")));
      // Applied/stalled state lives in memory: anything seen counts (a restarted dream may have
      // applied its kept samples while the node started, before this thread ran).
      awaitSamples(found, branch, 0L, true);
      writeDreamJson(httpPort, found, branch);
      if (generation.get() == gen) {
        ready = true;
      }
      long millis = (System.nanoTime() - t0) / 1_000_000 + bootMillis;
      if (json()) {
        out(new ObjectMapper().writeValueAsString(dreamDocument(httpPort, found, branch)));
      } else {
        banner(httpPort, found, branch, millis);
      }
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "dream start-up failed: %s", e.getMessage());
    }
  }

  /**
   * Waits (bounded) until every project has applied or stalled at or after {@code sinceMillis},
   * printing one line per project as it gets there.
   */
  private void awaitSamples(
      List<String> names, String branch, long sinceMillis, boolean printProgress) {
    long start = System.nanoTime();
    long deadline = start + DEADLINE_NANOS;
    List<String> left = new ArrayList<>(names);
    names.forEach(outcomes::remove);
    while (!left.isEmpty()) {
      for (var it = left.iterator(); it.hasNext(); ) {
        String name = it.next();
        Optional<Progress.Outcome> o =
            outcome(new ProjectKey(name, branch), sinceMillis, start, false);
        if (o.isPresent()) {
          outcomes.put(name, o.get());
          if (printProgress) {
            progress(Progress.sample(name, o.get()));
          }
          it.remove();
        }
      }
      if (left.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    for (String name : left) {
      Progress.Outcome o = outcome(new ProjectKey(name, branch), sinceMillis, start, true).get();
      outcomes.put(name, o);
      if (printProgress) {
        progress(Progress.sample(name, o));
      }
    }
  }

  /** The project's outcome if it applied or stalled since {@code sinceMillis} (or if forced). */
  private Optional<Progress.Outcome> outcome(
      ProjectKey key, long sinceMillis, long startNanos, boolean force) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    Optional<Long> applied = node.reconciler().appliedAtMillis(key);
    if (applied.isPresent() && applied.get() >= sinceMillis) {
      long buildMillis = 0;
      int builds = 0;
      for (BuildJobs.Job j : node.buildJobs().list(Optional.of(key.project()))) {
        if (j.createdAt() >= sinceMillis && j.startedAt() != null && j.endedAt() != null) {
          buildMillis += j.endedAt() - j.startedAt();
          builds++;
        }
      }
      return Optional.of(new Progress.Outcome.Ready(millis, buildMillis, builds));
    }
    String readyMessage = "waiting for the first reconcile";
    for (Condition c : node.status().conditions(key)) {
      if (c.type().equals("Stalled") && c.status() && c.lastTransitionMillis() >= sinceMillis) {
        return Optional.of(new Progress.Outcome.Stalled(millis, c.reason(), c.message()));
      }
      if (c.type().equals("Ready") && !c.message().isBlank()) {
        readyMessage = c.reason() + ": " + c.message();
      }
    }
    return force
        ? Optional.of(new Progress.Outcome.Pending(millis, readyMessage))
        : Optional.empty();
  }

  private Path samplesDir() {
    Optional<String> configured = node.config().dream().samplesDir();
    if (configured.isPresent()) {
      return Path.of(configured.get());
    }
    return node.config().projectDir().map(d -> Path.of(d, "samples")).orElse(Path.of("samples"));
  }

  private List<String> urls(ProjectKey key) {
    return node.urls(key, port.get());
  }

  private void writeDreamJson(int httpPort, List<String> names, String branch) throws IOException {
    Map<String, Object> doc = dreamDocument(httpPort, names, branch);
    Path target = node.dataDir().resolve("dream.json");
    Path tmp = node.dataDir().resolve("dream.json.tmp");
    byte[] json =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(doc);
    Files.write(tmp, json);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the file keeps the default mode.
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Map<String, Object> dreamDocument(int httpPort, List<String> names, String branch)
      throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    String base = "http://127.0.0.1:" + httpPort;
    doc.put("gitBase", base + "/git");
    doc.put("gatewayBase", base);
    doc.put("apiBase", base + "/api");
    doc.put("dnsPort", node.dnsPort());
    doc.put("fqdn", node.config().fqdn());
    doc.put("branch", branch);
    doc.put("dataDir", node.dataDir().toString());
    doc.put("pid", ProcessHandle.current().pid());
    String token = operatorToken();
    doc.put("operatorToken", token);
    List<Map<String, Object>> projects = new ArrayList<>();
    for (String name : names) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", name);
      Progress.Outcome o = outcomes.get(name);
      p.put("state", o == null ? "unknown" : Progress.state(o));
      p.put("configRepo", base + "/git/" + name + "/config.git");
      p.put("codeRepo", base + "/git/" + name + "/code.git");
      p.put("configCloneUrl", cloneUrl(httpPort, token, name, "config"));
      p.put("codeCloneUrl", cloneUrl(httpPort, token, name, "code"));
      p.put("urls", urls(new ProjectKey(name, branch)));
      projects.add(p);
    }
    doc.put("projects", projects);
    return doc;
  }

  /** The node's operator token, read from its 0600 file. */
  private String operatorToken() throws IOException {
    return Files.readString(node.operatorTokenFile(), java.nio.charset.StandardCharsets.UTF_8)
        .strip();
  }

  /**
   * A clone URL that works on this machine without a credential helper: it carries the operator
   * token as the password. It is printed only in the local banner and written only to dream.json
   * (mode 0600); the log redaction removes it from any log line.
   */
  private static String cloneUrl(int httpPort, String token, String project, String repo) {
    return "http://dream:"
        + token
        + "@127.0.0.1:"
        + httpPort
        + "/git/"
        + project
        + "/"
        + repo
        + ".git";
  }

  private void banner(int httpPort, List<String> names, String branch, long millis)
      throws IOException {
    String token = operatorToken();
    StringBuilder b = new StringBuilder();
    b.append("\njtau dream is ready (").append(millis).append(" ms)\n");
    b.append("  API:      http://127.0.0.1:").append(httpPort).append("/api/projects\n");
    b.append("  data:     ").append(node.dataDir()).append('\n');
    if (node.dnsPort() > 0) {
      b.append("  DNS:      dig @127.0.0.1 -p ")
          .append(node.dnsPort())
          .append(" gateway.tau.")
          .append(node.config().fqdn())
          .append('\n');
    }
    for (String name : names) {
      b.append("\n  project ").append(name).append(" (branch ").append(branch).append(")\n");
      Progress.Outcome o = outcomes.get(name);
      if (o != null && !(o instanceof Progress.Outcome.Ready)) {
        b.append("    status: ").append(Progress.state(o)).append('\n');
      }
      for (String u : urls(new ProjectKey(name, branch))) {
        b.append("    live:   ").append(u).append('\n');
      }
      b.append("    clone:  git clone ")
          .append(cloneUrl(httpPort, token, name, "config"))
          .append(' ')
          .append(name)
          .append("-config\n");
      b.append("            git clone ")
          .append(cloneUrl(httpPort, token, name, "code"))
          .append(' ')
          .append(name)
          .append("-code\n");
    }
    b.append("\n  operator token: in ")
        .append(node.operatorTokenFile())
        .append(" and dream.json (the tau CLI uses it by itself)\n");
    b.append("  dream.json: ").append(node.dataDir().resolve("dream.json")).append('\n');
    out(b.toString());
  }

  /** A progress line: standard output in text mode, nothing in JSON mode. */
  private void progress(String line) {
    if (!json()) {
      out(line);
    }
  }

  private void out(String s) {
    if (json() && !s.startsWith("{")) {
      return;
    }
    System.out.println(s);
    System.out.flush();
  }
}
