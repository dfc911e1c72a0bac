package io.jtau.dream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jtau.app.HttpPort;
import io.jtau.app.Node;
import io.jtau.model.ProjectKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The local cloud: when {@code jtau.dream.enabled}, seeds the sample projects into the node's Git
 * server, waits until they serve, then prints the URLs and writes {@code <data>/dream.json} for
 * scripts. Runs on its own thread so start-up is not blocked.
 */
@ApplicationScoped
public class Dream {

  private static final Logger LOG = Logger.getLogger(Dream.class);

  @Inject Node node;
  @Inject HttpPort port;

  private volatile boolean ready;

  void onStart(@Observes StartupEvent ev) {
    if (!node.config().dream().enabled()) {
      return;
    }
    Thread t = new Thread(this::run, "dream-seed");
    t.setDaemon(true);
    t.start();
  }

  /** Whether the samples were seeded and are served. */
  public boolean ready() {
    return ready;
  }

  /** Seeds one sample project (if its repositories are empty) and asks for its reconcile. */
  public boolean seed(String name) throws IOException {
    Path dir = samplesDir().resolve(name);
    if (!io.jtau.source.GitRepositories.validName(name)
        || !Files.isDirectory(dir.resolve("config"))) {
      return false;
    }
    String branch = node.config().branches().get(0);
    // config and code first, then any other folder (website and library repositories).
    List<String> repos = new java.util.ArrayList<>(List.of("config", "code"));
    try (var entries = Files.list(dir)) {
      entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !repos.contains(n) && io.jtau.source.GitRepositories.validName(n))
          .sorted()
          .forEach(repos::add);
    }
    for (String repo : repos) {
      Path src = dir.resolve(repo);
      if (Files.isDirectory(src)) {
        var r = node.git().create(name, repo);
        if (SampleSeeder.seed(r.repository(), src, branch, node.generatedSuffix())) {
          out("  seeded " + name + "/" + repo + ".git from " + src);
        }
      }
    }
    node.enqueueAllBranches(name);
    return true;
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

  private void run() {
    try {
      long t0 = System.nanoTime();
      int httpPort = port.get();
      Path samples = samplesDir();
      String branch = node.config().branches().get(0);
      List<String> names = node.config().dream().samples();
      for (String name : names) {
        if (!seed(name)) {
          LOG.warnf("sample %s not found under %s", name, samples);
        }
      }
      long deadline = System.nanoTime() + 120_000_000_000L;
      for (String name : names) {
        ProjectKey key = new ProjectKey(name, branch);
        // Applied, not just published: routes and websites are live once this is set.
        while (node.reconciler().appliedAtMillis(key).isEmpty() && System.nanoTime() < deadline) {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      writeDreamJson(httpPort, names, branch);
      ready = true;
      banner(httpPort, names, branch, (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "dream start-up failed: %s", e.getMessage());
    }
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
      p.put("configRepo", base + "/git/" + name + "/config.git");
      p.put("codeRepo", base + "/git/" + name + "/code.git");
      p.put("configCloneUrl", cloneUrl(httpPort, token, name, "config"));
      p.put("codeCloneUrl", cloneUrl(httpPort, token, name, "code"));
      p.put("urls", urls(new ProjectKey(name, branch)));
      projects.add(p);
    }
    doc.put("projects", projects);
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

  private static void out(String s) {
    System.out.println(s);
    System.out.flush();
  }
}
