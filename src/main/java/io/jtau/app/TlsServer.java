package io.jtau.app;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.ext.web.Router;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * HTTPS for the gateway on its own port ({@code jtau.tls.port}; -1 = off, 0 = a free port), serving
 * the same router as plain HTTP (gateway, API, Git). The certificate is chosen per connection by
 * SNI ({@link io.jtau.runtime.gateway.SniKeyManager}): a project's inline certificate for its
 * verified or generated names, else the node's self-signed development certificate. HTTP/2 is
 * offered through ALPN, and {@code acme-tls/1} while an ACME TLS-ALPN-01 validation is pending
 * ({@link AcmeAlpnEngineOptions}).
 */
@ApplicationScoped
public class TlsServer {

  private static final Logger LOG = Logger.getLogger(TlsServer.class);

  @Inject Node node;
  @Inject Vertx vertx;

  private volatile Router router;
  private volatile HttpServer server;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  void router(@Observes Router r) {
    this.router = r;
  }

  void onStart(@Observes @Priority(2000) StartupEvent ev) {
    int p = node.config().tls().port();
    if (p < 0) {
      return;
    }
    node.start();
    String host =
        ConfigProvider.getConfig()
            .getOptionalValue("quarkus.http.host", String.class)
            .orElse("0.0.0.0");
    HttpServerOptions o =
        new HttpServerOptions()
            .setSsl(true)
            .setUseAlpn(true)
            .setKeyCertOptions(KeyCertOptions.wrap(node.sni()))
            .setSslEngineOptions(new AcmeAlpnEngineOptions(node.acmeChallenges()))
            .setHost(host)
            .setPort(p)
            .setMaxHeaderSize(16 * 1024)
            .setMaxInitialLineLength(16 * 1024)
            .setIdleTimeout(60)
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    vertx
        .createHttpServer(o)
        .requestHandler(router)
        .listen()
        .onSuccess(
            s -> {
              server = s;
              port.complete(s.actualPort());
              LOG.infof("HTTPS on %s:%d", host, s.actualPort());
            })
        .onFailure(
            e -> {
              port.completeExceptionally(e);
              LOG.errorf("cannot listen for HTTPS on %s:%d: %s", host, p, e.getMessage());
            });
  }

  /** The HTTPS port; waits up to 30 s. */
  public int port() {
    try {
      return port.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("HTTPS server not started", e);
    }
  }
}
