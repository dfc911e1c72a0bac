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

  /** A request to the API carrying the token, if any. */
  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /** Whether a token will be presented. */
  public boolean hasToken() {
    return token != null;
  }

  /** POSTs a JSON body and returns the JSON answer. */
  public JsonNode post(String path, Object body) throws NodeException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json(body))));
  }

  /** PUTs a JSON body and returns the JSON answer. */
  public JsonNode put(String path, Object body) throws NodeException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json(body))));
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
    return send(request(path).GET());
  }

  /** POSTs to the API and returns the JSON answer. */
  public JsonNode post(String path) throws NodeException {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
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
              request(path).timeout(Duration.ofSeconds(30)).method(method, pub).build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new NodeException("cannot reach the node at " + base + ": " + e.getMessage(), 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted", 2);
    }
    if (r.statusCode() >= 300) {
      String text = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).strip();
      refusal(r.statusCode(), text);
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
              request(path)
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
              request(path).header("Accept", "text/event-stream").GET().build(),
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

  private void check(int status, String body) throws NodeException {
    refusal(status, body);
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
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  /** DELETEs a resource of the API and returns the JSON answer. */
  public JsonNode delete(String path) throws NodeException {
    return send(request(path).DELETE());
  }

  private JsonNode send(HttpRequest.Builder b) throws NodeException {
    HttpResponse<String> r;
    b.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new NodeException("cannot reach the node at " + base + ": " + e.getMessage(), 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted", 2);
    }
    refusal(r.statusCode(), r.body());
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

  /** Turns 401, 403 and 429 into messages that say what to do. */
  private void refusal(int status, String body) throws NodeException {
    if (status == 401) {
      throw new NodeException(
          (token == null
                  ? "the node needs a token: pass --token, set TAU_TOKEN"
                  : "the node refused the token")
              + " ("
              + errorText(body)
              + ")",
          1);
    }
    if (status == 403) {
      throw new NodeException("not allowed: " + errorText(body), 1);
    }
    if (status == 429) {
      throw new NodeException("too many failed attempts from here; retry later", 1);
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
