package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How client commands reach a running node: over its HTTP API only. The node is {@code --node URL},
 * else {@code $TAU_NODE}, else the {@code tau dream} running on this machine (found through its
 * {@code dream.json}).
 */
public final class NodeClient {

  /** A failure a command reports with exit code 2 (node unreachable) or 1 (request refused). */
  public static final class NodeException extends Exception {
    final int exitCode;

    NodeException(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private NodeClient(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** Finds the node to talk to. */
  public static NodeClient locate(String nodeOption) throws NodeException {
    if (nodeOption != null && !nodeOption.isBlank()) {
      return new NodeClient(nodeOption);
    }
    String env = System.getenv("TAU_NODE");
    if (env != null && !env.isBlank()) {
      return new NodeClient(env);
    }
    Optional<String> dream = dreamBase();
    if (dream.isPresent()) {
      return new NodeClient(dream.get());
    }
    throw new NodeException(
        "no node to talk to: pass --node URL, set TAU_NODE, or start `tau dream`", 2);
  }

  private static Optional<String> dreamBase() {
    Path p = Path.of(System.getProperty("user.home"), ".jtau", "dream", "dream.json");
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      JsonNode doc = JSON.readTree(p.toFile());
      return Optional.ofNullable(doc.path("gatewayBase").asText(null));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public String base() {
    return base;
  }

  /** GETs a JSON document from the API. */
  public JsonNode get(String path) throws NodeException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /** POSTs to the API and returns the JSON answer. */
  public JsonNode post(String path) throws NodeException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** Sends a raw request and returns the body bytes; refusals become {@link NodeException}. */
  public byte[] raw(String method, String path, byte[] body) throws NodeException {
    HttpRequest.BodyPublisher pub =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body);
    HttpResponse<byte[]> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .timeout(Duration.ofSeconds(30))
                  .method(method, pub)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new NodeException("cannot reach the node at " + base + ": " + e.getMessage(), 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted", 2);
    }
    if (r.statusCode() >= 300) {
      String text = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).strip();
      throw new NodeException(
          r.statusCode() == 404
              ? "not found: " + text
              : "the node answered " + r.statusCode() + ": " + text,
          1);
    }
    return r.body();
  }

  /** GETs a plain-text document from the API. */
  public String text(String path) throws NodeException {
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .timeout(Duration.ofSeconds(30))
                  .header("Accept", "text/plain")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new NodeException("cannot reach the node at " + base + ": " + e.getMessage(), 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted", 2);
    }
    check(r.statusCode(), r.body());
    return r.body();
  }

  /**
   * Reads a Server-Sent Events stream, giving each event's data (its {@code data:} lines joined by
   * newlines) to {@code onData} as it arrives, until the stream ends or {@code onData} returns
   * false. Blocks.
   */
  public void events(String path, java.util.function.Predicate<String> onData)
      throws NodeException {
    HttpResponse<java.util.stream.Stream<String>> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .header("Accept", "text/event-stream")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new NodeException("cannot reach the node at " + base + ": " + e.getMessage(), 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted", 2);
    }
    if (r.statusCode() >= 300) {
      String body;
      try (java.util.stream.Stream<String> lines = r.body()) {
        body = String.join("\n", lines.limit(20).toList());
      }
      check(r.statusCode(), body);
    }
    try (java.util.stream.Stream<String> lines = r.body()) {
      StringBuilder data = new StringBuilder();
      java.util.Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          if (data.length() > 0) {
            String d = data.toString();
            data.setLength(0);
            if (!onData.test(d)) {
              return;
            }
          }
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) {
            data.append('\n');
          }
          data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw new NodeException("the stream from " + base + " broke: " + e.getMessage(), 2);
    }
  }

  private static void check(int status, String body) throws NodeException {
    if (status == 404) {
      throw new NodeException("not found: " + body.strip(), 1);
    }
    if (status >= 300) {
      throw new NodeException("the node answered " + status + ": " + body.strip(), 1);
    }
  }

  /** POSTs a JSON document to the API and returns the JSON answer. */
  public JsonNode post(String path, JsonNode body) throws NodeException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  /** DELETEs a resource of the API and returns the JSON answer. */
  public JsonNode delete(String path) throws NodeException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private JsonNode send(HttpRequest.Builder b) throws NodeException {
    HttpResponse<String> r;
    try {
      r =
          http.send(
              b.timeout(Duration.ofSeconds(30)).header("Accept", "application/json").build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new NodeException("cannot reach the node at " + base + ": " + e.getMessage(), 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted", 2);
    }
    if (r.statusCode() == 404) {
      throw new NodeException("not found: " + r.body().strip(), 1);
    }
    if (r.statusCode() >= 300) {
      throw new NodeException("the node answered " + r.statusCode() + ": " + r.body().strip(), 1);
    }
    try {
      return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new NodeException("the node's answer is not JSON: " + e.getMessage(), 1);
    }
  }

  static String pretty(JsonNode n) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (IOException e) {
      return n.toString();
    }
  }
}
