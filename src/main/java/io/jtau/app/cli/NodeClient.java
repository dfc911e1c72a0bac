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

  /** DELETEs on the API and returns the JSON answer. */
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
