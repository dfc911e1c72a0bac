package io.jtau.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The REST calls jtau makes to a Git host: create and delete a push webhook, add and delete a
 * read-only deploy key (GitHub) and report commit statuses (GitHub and Gitea/Forgejo). The token
 * goes only in the {@code Authorization} header; no error message holds it. Never follows
 * redirects. Blocking, bounded by a 10 s timeout per call; thread-safe.
 */
public final class GitHostApi {

  /** A host API call failed; the message names the call and the HTTP status only. */
  public static final class HostApiException extends Exception {
    public final int status;

    public HostApiException(String message, int status) {
      super(message);
      this.status = status;
    }
  }

  /** Commit status states common to GitHub and Gitea. */
  public enum State {
    PENDING,
    SUCCESS,
    FAILURE,
    ERROR;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final Duration timeout = Duration.ofSeconds(10);

  public GitHostApi() {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Creates a push webhook on GitHub ({@code POST /repos/{owner}/{repo}/hooks}) delivering JSON to
   * {@code hookUrl} signed with {@code secret}; returns the host's hook id.
   */
  public long createGithubHook(
      String apiBase, String fullname, String token, String hookUrl, String secret)
      throws HostApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", "web");
    body.put("active", true);
    body.putArray("events").add("push");
    ObjectNode config = body.putObject("config");
    config.put("url", hookUrl);
    config.put("content_type", "json");
    config.put("secret", secret);
    config.put("insecure_ssl", "0");
    JsonNode r =
        post(
            apiBase,
            "/repos/" + fullname + "/hooks",
            token,
            body,
            "create the webhook of " + fullname);
    return r.path("id").asLong();
  }

  /**
   * Adds a read-only deploy key on GitHub ({@code POST /repos/{owner}/{repo}/keys}); returns the
   * key id.
   */
  public long createGithubDeployKey(
      String apiBase, String fullname, String token, String title, String publicKey)
      throws HostApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("title", title);
    body.put("key", publicKey);
    body.put("read_only", true);
    JsonNode r =
        post(
            apiBase,
            "/repos/" + fullname + "/keys",
            token,
            body,
            "add the deploy key of " + fullname);
    return r.path("id").asLong();
  }

  /**
   * Deletes a webhook on GitHub ({@code DELETE /repos/{owner}/{repo}/hooks/{id}}). A hook the host
   * no longer has (404) counts as deleted. Idempotent.
   */
  public void deleteGithubHook(String apiBase, String fullname, String token, long hookId)
      throws HostApiException {
    delete(
        apiBase,
        "/repos/" + fullname + "/hooks/" + hookId,
        token,
        "delete the webhook " + hookId + " of " + fullname);
  }

  /**
   * Deletes a deploy key on GitHub ({@code DELETE /repos/{owner}/{repo}/keys/{id}}). A key the host
   * no longer has (404) counts as deleted. Idempotent.
   */
  public void deleteGithubDeployKey(String apiBase, String fullname, String token, long keyId)
      throws HostApiException {
    delete(
        apiBase,
        "/repos/" + fullname + "/keys/" + keyId,
        token,
        "delete the deploy key " + keyId + " of " + fullname);
  }

  /**
   * Reports a commit status. {@code gitea} selects {@code /api/v1/repos/...} (Gitea, Forgejo)
   * instead of GitHub's {@code /repos/...}.
   */
  public void createStatus(
      String apiBase,
      boolean gitea,
      String fullname,
      String sha,
      String token,
      State state,
      String context,
      String description,
      String targetUrl)
      throws HostApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("state", state.wire());
    body.put("context", context);
    body.put(
        "description",
        description.length() > 140 ? description.substring(0, 137) + "..." : description);
    if (targetUrl != null) {
      body.put("target_url", targetUrl);
    }
    String path = (gitea ? "/api/v1" : "") + "/repos/" + fullname + "/statuses/" + sha;
    post(apiBase, path, token, body, "report status of " + fullname + "@" + sha);
  }

  private void delete(String apiBase, String path, String token, String what)
      throws HostApiException {
    try {
      send(request(apiBase, path, token).DELETE().build(), what);
    } catch (HostApiException e) {
      if (e.status != 404) {
        throw e;
      }
    }
  }

  private HttpRequest.Builder request(String apiBase, String path, String token) {
    String base = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(timeout)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .header("Authorization", "Bearer " + token)
        .header("User-Agent", "jtau");
  }

  private JsonNode post(String apiBase, String path, String token, JsonNode body, String what)
      throws HostApiException {
    return send(
        request(apiBase, path, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build(),
        what);
  }

  private JsonNode send(HttpRequest req, String what) throws HostApiException {
    HttpResponse<String> r;
    try {
      r = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new HostApiException("cannot " + what + ": " + e.getClass().getSimpleName(), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostApiException("interrupted while trying to " + what, 0);
    }
    if (r.statusCode() / 100 != 2) {
      throw new HostApiException(
          "cannot " + what + ": the host answered " + r.statusCode(), r.statusCode());
    }
    try {
      return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
