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
import java.util.Map;
import java.util.Optional;

/**
 * How client commands reach a running node: over its HTTP API only. The node is {@code --node URL},
 * else {@code $TAU_NODE}, else the {@code tau dream} running on this machine (found through its
 * {@code dream.json}). Every request carries {@code Authorization: Bearer <token>} with the token
 * from {@code --token}, else {@code $TAU_TOKEN}, else the dream's operator token from {@code
 * dream.json} — the last one only when the node is that dream, so it never travels to another host.
 * The token is never printed.
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
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private NodeClient(String base, String token) {
    String b = base.strip();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.token = token == null || token.isBlank() ? null : token.strip();
  }

  /** Finds the node to talk to, with the token from $TAU_TOKEN or the local dream. */
  public static NodeClient locate(String nodeOption) throws NodeException {
    return locate(nodeOption, null);
  }

  /** Finds the node to talk to and the token to present ({@code tokenOption} first). */
  public static NodeClient locate(String nodeOption, String tokenOption) throws NodeException {
    return locate(
        nodeOption,
        tokenOption,
        System.getenv(),
        Path.of(System.getProperty("user.home"), ".jtau", "dream", "dream.json"));
  }

  static NodeClient locate(
      String nodeOption, String tokenOption, Map<String, String> env, Path dreamJson)
      throws NodeException {
    Optional<JsonNode> dream = dreamDoc(dreamJson);
    Optional<String> dreamBase = dream.map(d -> d.path("gatewayBase").asText(null));
    String base;
    if (nodeOption != null && !nodeOption.isBlank()) {
      base = nodeOption;
    } else if (env.get("TAU_NODE") != null && !env.get("TAU_NODE").isBlank()) {
      base = env.get("TAU_NODE");
    } else if (dreamBase.isPresent()) {
      base = dreamBase.get();
    } else {
      throw new NodeException(
          "no node to talk to: pass --node URL, set TAU_NODE, or start `tau dream`", 2);
    }
    String token = tokenOption;
    if (token == null || token.isBlank()) {
      token = env.get("TAU_TOKEN");
    }
    if ((token == null || token.isBlank())
        && dreamBase.isPresent()
        && sameBase(dreamBase.get(), base)) {
      token = dream.get().path("operatorToken").asText(null);
    }
    return new NodeClient(base, token);
  }

  private static boolean sameBase(String a, String b) {
    return strip(a).equals(strip(b));
  }

  private static String strip(String s) {
    String t = s.strip();
    return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }

  private static Optional<JsonNode> dreamDoc(Path p) {
    if (p == null || !Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(p.toFile()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public String base() {
    return base;
  }

  /** Whether a token will be presented. */
  public boolean hasToken() {
    return token != null;
  }

  /** POSTs a JSON body and returns the JSON answer. */
  public JsonNode post(String path, Object body) throws NodeException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json(body))));
  }

  /** PUTs a JSON body and returns the JSON answer. */
  public JsonNode put(String path, Object body) throws NodeException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json(body))));
  }

  /** DELETEs and returns the JSON answer. */
  public JsonNode delete(String path) throws NodeException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private static String json(Object body) throws NodeException {
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new NodeException("cannot encode the request: " + e.getMessage(), 1);
    }
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

  private JsonNode send(HttpRequest.Builder b) throws NodeException {
    HttpResponse<String> r;
    b.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new NodeException("cannot reach the node at " + base + ": " + e.getMessage(), 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted", 2);
    }
    if (r.statusCode() == 401) {
      throw new NodeException(
          (token == null
                  ? "the node needs a token: pass --token, set TAU_TOKEN"
                  : "the node refused the token")
              + " ("
              + errorText(r.body())
              + ")",
          1);
    }
    if (r.statusCode() == 403) {
      throw new NodeException("not allowed: " + errorText(r.body()), 1);
    }
    if (r.statusCode() == 429) {
      throw new NodeException("too many failed attempts from here; retry later", 1);
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

  private static String errorText(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n.hasNonNull("error")) {
        return n.get("error").asText();
      }
    } catch (IOException e) {
      // Not JSON: show it as it is.
    }
    return body.strip();
  }

  static java.util.List<String> texts(JsonNode array) {
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static String pretty(JsonNode n) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (IOException e) {
      return n.toString();
    }
  }
}
