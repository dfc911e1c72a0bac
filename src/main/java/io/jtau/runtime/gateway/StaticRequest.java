package io.jtau.runtime.gateway;

/**
 * The parts of an HTTP request a website needs. {@code path} is the decoded URL path without the
 * query; the header values may be null when absent.
 */
public record StaticRequest(
    String method,
    String path,
    String ifNoneMatch,
    String range,
    String ifRange,
    String acceptEncoding) {

  /** A plain GET of a path. */
  public static StaticRequest get(String path) {
    return new StaticRequest("GET", path, null, null, null, null);
  }
}
