package io.jtau.app;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * A benchmark baseline: {@code GET /api/bench/hello} answers the same bytes and Content-Type as the
 * {@code hello} sample function, straight from a plain Quarkus route, so {@code
 * bench/function-vs-quarkus.sh} can compare the gateway + Wasm path with the framework alone.
 * Stateless and thread-safe; serves no data.
 */
@Path("/api/bench")
public class BenchResource {

  static final String HELLO = "Hello from jtau!\n";

  @GET
  @Path("/hello")
  @Produces("text/plain; charset=utf-8")
  public String hello() {
    return HELLO;
  }
}
