package io.jtau.runtime.wasm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request handed to a guest.
 *
 * @param method request method, e.g. {@code GET}
 * @param host the Host header / authority, port included if present
 * @param path percent-decoded path without the query
 * @param rawQuery the query string as received, without {@code ?}; empty if none
 * @param headers request headers as received (names in any case; lookups are case-insensitive)
 * @param body the whole request body (the caller caps its size)
 * @param remoteAddress client address, e.g. {@code 192.0.2.1:1234}
 */
public record HttpRequest(
    String method,
    String host,
    String path,
    String rawQuery,
    Map<String, List<String>> headers,
    byte[] body,
    String remoteAddress) {

  public HttpRequest {
    Objects.requireNonNull(method, "method");
    host = Objects.requireNonNullElse(host, "");
    path = Objects.requireNonNullElse(path, "/");
    rawQuery = Objects.requireNonNullElse(rawQuery, "");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((k, v) -> copy.put(k, List.copyOf(v == null ? new ArrayList<>() : v)));
    }
    headers = java.util.Collections.unmodifiableMap(copy);
    body = body == null ? new byte[0] : body;
    remoteAddress = Objects.requireNonNullElse(remoteAddress, "");
  }

  /** A request like Go's {@code httptest.NewRequest}: host example.com, no headers. */
  public static HttpRequest of(String method, String target, byte[] body) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    return new HttpRequest(method, "example.com", path, query, Map.of(), body, "192.0.2.1:1234");
  }
}
