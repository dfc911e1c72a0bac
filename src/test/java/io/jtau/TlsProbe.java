package io.jtau;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** TLS handshakes against a node's HTTPS port on loopback, as the end-to-end tests make them. */
public final class TlsProbe {

  private TlsProbe() {}

  /** What the server presented for a name, and the status line of {@code GET /}. */
  public record Served(String subject, List<String> sans, String status, String serial) {}

  /** A client context that trusts any server certificate (the test looks at it itself). */
  public static SSLContext trustAll() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return ctx;
  }

  /**
   * A handshaken connection to 127.0.0.1:{@code port} with SNI {@code sniName} and the ALPN {@code
   * protocols} (none = no ALPN). {@code anchors} null = trust anything; else trust only these and
   * check the host name against the certificate.
   */
  public static SSLSocket handshake(
      int port, String sniName, List<X509Certificate> anchors, String... protocols)
      throws Exception {
    SSLContext ctx = anchors == null ? trustAll() : Pebble.trusting(anchors);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
    try {
      s.setSoTimeout(10_000);
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(sniName)));
      if (protocols.length > 0) {
        p.setApplicationProtocols(protocols);
      }
      if (anchors != null) {
        p.setEndpointIdentificationAlgorithm("HTTPS");
      }
      s.setSSLParameters(p);
      s.startHandshake();
      return s;
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }

  /** Handshakes as {@link #handshake} does, sends {@code GET /} for the name, reads the answer. */
  public static Served get(int port, String sniName, List<X509Certificate> anchors)
      throws Exception {
    try (SSLSocket s = handshake(port, sniName, anchors)) {
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      List<String> sans = new ArrayList<>();
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            sans.add(String.valueOf(san.get(1)));
          }
        }
      }
      s.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + sniName + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String status =
          new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
              .lines()
              .findFirst()
              .orElse("");
      return new Served(
          leaf.getSubjectX500Principal().getName(),
          sans,
          status,
          leaf.getSerialNumber().toString(16));
    }
  }
}
