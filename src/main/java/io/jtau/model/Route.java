package io.jtau.model;

import java.util.Locale;
import java.util.Objects;

/**
 * One HTTP route: requests for {@code host} (lower case, no port) with exactly this method and path
 * go to the function.
 */
public record Route(String host, String method, String path, FunctionTarget function) {
  public Route {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(function, "function");
    host = host.toLowerCase(Locale.ROOT);
    method = method.toUpperCase(Locale.ROOT);
  }
}
