package io.jtau.app;

import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/** The port the HTTP server actually listens on (also when configured as 0 = any free port). */
@ApplicationScoped
public class HttpPort {

  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  void started(@ObservesAsync HttpServerStart start) {
    int p = start.options().getPort();
    if (p <= 0) {
      p =
          Integer.getInteger(
              "quarkus.http.test-port",
              Integer.getInteger(
                  "quarkus.http.port",
                  ConfigProvider.getConfig()
                      .getOptionalValue("quarkus.http.port", Integer.class)
                      .orElse(0)));
    }
    port.complete(p);
  }

  /** The listening port; waits up to 30 s for the server to start. */
  public int get() {
    try {
      return port.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("HTTP server not started", e);
    }
  }

  /** A future completed with the port when the server listens. */
  public CompletableFuture<Integer> future() {
    return port;
  }
}
