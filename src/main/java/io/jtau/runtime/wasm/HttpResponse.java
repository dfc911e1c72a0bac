package io.jtau.runtime.wasm;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The response a guest produced, or the 500/503 answer the runtime substituted.
 *
 * @param status HTTP status
 * @param headers response headers in order, names canonicalised ({@code Content-Type})
 * @param body response body
 * @param log guest output (WASI stdout/stderr and {@code env._log} lines), bounded; never sent to
 *     clients
 */
public record HttpResponse(
    int status, List<Map.Entry<String, String>> headers, byte[] body, String log) {

  public HttpResponse {
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
    log = Objects.requireNonNullElse(log, "");
  }

  /** The first value of a header, matched case-insensitively, or null. */
  public String header(String name) {
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }
}
