package io.jtau.dream;

import io.jtau.app.HttpPort;
import io.jtau.app.Node;
import io.jtau.model.ProjectKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** A handle on the in-process local cloud for end-to-end tests. */
public final class Cloud {

  private final Node node;
  private final HttpPort port;
  private final Path work;
  private final GitCli git;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  Cloud(Node node, HttpPort port, Path work) {
    this.node = node;
    this.port = port;
    this.work = work;
    this.git = new GitCli(work);
  }

  public Node node() {
    return node;
  }

  public int port() {
    return port.get();
  }

  public GitCli git() {
    return git;
  }

  /** The folder tests may use for clones. */
  public Path work() {
    return work;
  }

  /** The node's operator token (every scope on every project). */
  public String operatorToken() {
    try {
      return Files.readString(node.operatorTokenFile()).strip();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Clone URL of a hosted repository, authenticated with the operator token. */
  public String repoUrl(String project, String repo) {
    return repoUrl(project, repo, operatorToken());
  }

  /** Clone URL of a hosted repository with {@code token} as password; null for none. */
  public String repoUrl(String project, String repo, String token) {
    String auth = token == null ? "" : "test:" + token + "@";
    return "http://" + auth + "127.0.0.1:" + port() + "/git/" + project + "/" + repo + ".git";
  }

  /**
   * Calls the node's API with {@code token} as bearer (null: none); {@code body} is JSON or null.
   */
  public HttpResponse<String> api(String method, String path, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Calls the node's API as the operator. */
  public HttpResponse<String> api(String method, String path)
      throws IOException, InterruptedException {
    return api(method, path, operatorToken(), null);
  }

  /** Clones a hosted repository into a fresh folder and returns it. */
  public Path clone(String project, String repo) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(work, project + "-" + repo + "-");
    Files.delete(dir);
    git.ok(work, "clone", "-q", repoUrl(project, repo), dir.toString());
    return dir;
  }

  /** GET {@code path} on the gateway with {@code host} as Host header. */
  public HttpResponse<String> get(String host, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** "status body" of a GET, or the error; handy inside Awaitility conditions. */
  public String body(String host, String path) {
    try {
      HttpResponse<String> r = get(host, path);
      return r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return "error " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Pushes {@code samples/<name>/{config,code}} to the cloud with the real git client (creating the
   * repositories) and returns once the project serves a snapshot.
   */
  public void pushSample(String name, Path samples) throws Exception {
    for (String repo : new String[] {"config", "code"}) {
      Path src = samples.resolve(name).resolve(repo);
      if (!Files.isDirectory(src)) {
        continue;
      }
      node.git().create(name, repo);
      Path dir = Files.createTempDirectory(work, name + "-" + repo + "-push-");
      copy(src, dir);
      git.ok(dir, "init", "-q", "-b", "main");
      git.ok(dir, "add", "-A");
      git.ok(dir, "commit", "-qm", "Sample " + name);
      git.ok(dir, "push", "-q", repoUrl(name, repo), "HEAD:main");
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> node.registry().current(new ProjectKey(name, "main")).isPresent());
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.naturalOrder())::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
