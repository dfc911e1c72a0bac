package io.jtau.runtime.gateway;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the website server answers: a status, headers in order, and a body that the HTTP layer
 * writes without further decisions. Immutable.
 */
public record StaticResponse(int status, List<Map.Entry<String, String>> headers, Body body) {
  public StaticResponse {
    headers = List.copyOf(headers);
  }

  /** A response body. */
  public sealed interface Body permits Empty, Bytes, FileRegion {
    long length();
  }

  /** No body (304, HEAD, redirects). */
  public record Empty() implements Body {
    @Override
    public long length() {
      return 0;
    }
  }

  /** A slice of an in-memory array (never copied). */
  public record Bytes(byte[] data, int offset, int count) implements Body {
    @Override
    public long length() {
      return count;
    }
  }

  /** A region of a local file (sent with zero copy where the HTTP layer can). */
  public record FileRegion(Path file, long offset, long count) implements Body {
    @Override
    public long length() {
      return count;
    }
  }

  /** The first value of a header, case-insensitive, or null. */
  public String header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }
}
