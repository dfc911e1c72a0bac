package io.jtau.app;

import io.jtau.runtime.gateway.AcmeChallenges;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK TLS engine of the HTTPS server, with one addition: while a TLS-ALPN-01 validation is in
 * progress ({@link AcmeChallenges#tlsAlpnPending()}), a client offering the {@code acme-tls/1}
 * protocol gets it negotiated, so the key manager can present the validation certificate (RFC 8737
 * §3). Every other connection negotiates as before ({@code h2}, {@code http/1.1}); when no
 * validation is pending {@code acme-tls/1} is never selected.
 */
final class AcmeAlpnEngineOptions extends JdkSSLEngineOptions {

  private final AcmeChallenges challenges;

  AcmeAlpnEngineOptions(AcmeChallenges challenges) {
    this.challenges = challenges;
  }

  private AcmeAlpnEngineOptions(AcmeAlpnEngineOptions other) {
    super(other);
    this.challenges = other.challenges;
  }

  @Override
  public JdkSSLEngineOptions copy() {
    return new AcmeAlpnEngineOptions(this);
  }

  @Override
  public SslContextFactory sslContextFactory() {
    SslContextFactory d = super.sslContextFactory();
    return new SslContextFactory() {
      @Override
      public SslContextFactory useAlpn(boolean useAlpn) {
        d.useAlpn(useAlpn);
        return this;
      }

      @Override
      public SslContextFactory clientAuth(ClientAuth clientAuth) {
        d.clientAuth(clientAuth);
        return this;
      }

      @Override
      public SslContextFactory forClient(boolean forClient) {
        d.forClient(forClient);
        return this;
      }

      @Override
      public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
        d.keyMananagerFactory(kmf);
        return this;
      }

      @Override
      public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
        d.trustManagerFactory(tmf);
        return this;
      }

      @Override
      public SslContextFactory enabledCipherSuites(Set<String> suites) {
        d.enabledCipherSuites(suites);
        return this;
      }

      @Override
      public SslContextFactory applicationProtocols(List<String> protocols) {
        d.applicationProtocols(protocols);
        return this;
      }

      @Override
      public SslContextFactory serverName(String name) {
        d.serverName(name);
        return this;
      }

      @Override
      public SslContext create() throws SSLException {
        SslContext ctx = d.create();
        if (ctx.isClient()) {
          return ctx;
        }
        return new DelegatingSslContext(ctx) {
          @Override
          protected void initEngine(SSLEngine engine) {
            BiFunction<SSLEngine, List<String>, String> next =
                engine.getHandshakeApplicationProtocolSelector();
            engine.setHandshakeApplicationProtocolSelector(
                (e, offered) -> select(e, offered, next));
          }
        };
      }
    };
  }

  private String select(
      SSLEngine engine, List<String> offered, BiFunction<SSLEngine, List<String>, String> next) {
    if (offered.contains(AcmeChallenges.ACME_TLS_1) && challenges.tlsAlpnPending()) {
      return AcmeChallenges.ACME_TLS_1;
    }
    if (next != null) {
      return next.apply(engine, offered);
    }
    // No selector of the server's own: decline ALPN (the handshake goes on without it).
    return "";
  }
}
