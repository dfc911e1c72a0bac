package io.jtau;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.runtime.gateway.Pem;
import io.jtau.runtime.gateway.SelfSigned;
import io.jtau.runtime.gateway.SniKeyManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;

/**
 * The {@code pebble} ACME test CA as a child process on loopback: its directory and management
 * ports are chosen (and its own HTTPS certificate made) at construction, so a node can be
 * configured to trust it before it runs; {@link #start} writes its JSON config and waits until the
 * directory answers. Tests using it skip when {@link #installed()} is false.
 */
public final class Pebble implements AutoCloseable {

  private static final Path BINARY = Path.of("/usr/bin/pebble");

  public final Path dir;
  public final int acmePort = freePort();
  public final int mgmtPort = freePort();

  /** Pebble's own HTTPS certificate (trust it for the directory, e.g. jtau.acme.trusted-ca). */
  public final Path wfeCert;

  private final Path wfeKey;
  private Process process;

  public Pebble() throws Exception {
    dir = Files.createTempDirectory("jtau-pebble");
    SniKeyManager.KeyAndChain kc =
        SelfSigned.loadOrCreate(
            dir.resolve("tls"), List.of("localhost"), List.of("127.0.0.1"), new SecureRandom());
    wfeCert = dir.resolve("pebble-wfe.pem");
    wfeKey = dir.resolve("pebble-wfe.key");
    Files.writeString(wfeCert, Pem.encode("CERTIFICATE", kc.chain()[0].getEncoded()));
    Files.writeString(wfeKey, Pem.encode("PRIVATE KEY", kc.key().getEncoded()));
  }

  /** Whether the pebble binary is installed ({@code apt-get install pebble}). */
  public static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /** Why tests skip when it is not. */
  public static final String MISSING =
      "pebble (the ACME test CA) is not installed: apt-get install pebble";

  /** The directory URL. */
  public URI directory() {
    return URI.create("https://127.0.0.1:" + acmePort + "/dir");
  }

  /**
   * Starts pebble and waits until its directory answers.
   *
   * @param config entries of pebble's JSON config besides the addresses and its certificate
   *     (httpPort, tlsPort, certificateValidityPeriod, externalAccount..., ...)
   * @param env extra environment (PEBBLE_VA_NOSLEEP, PEBBLE_WFE_NONCEREJECT, ...)
   * @param dnsServer host:port pebble resolves names through, or null for the system's
   */
  public void start(Map<String, Object> config, Map<String, String> env, String dnsServer)
      throws Exception {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("listenAddress", "127.0.0.1:" + acmePort);
    all.put("managementListenAddress", "127.0.0.1:" + mgmtPort);
    all.put("certificate", wfeCert.toString());
    all.put("privateKey", wfeKey.toString());
    all.put("ocspResponderURL", "");
    all.put("externalAccountBindingRequired", false);
    all.putAll(config);
    Path file = dir.resolve("pebble.json");
    Files.writeString(file, new ObjectMapper().writeValueAsString(Map.of("pebble", all)));
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-config", file.toString()));
    if (dnsServer != null) {
      cmd.addAll(List.of("-dnsserver", dnsServer));
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("pebble.log").toFile());
    pb.environment().putAll(env);
    process = pb.start();
    HttpClient client = HttpClient.newBuilder().sslContext(trust()).build();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                client
                        .send(
                            HttpRequest.newBuilder(directory())
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                    == 200);
  }

  /** A TLS context trusting pebble's own HTTPS certificate. */
  public SSLContext trust() throws Exception {
    return trusting(pemCertificates(wfeCert));
  }

  /** The root that signs the certificates pebble issues (from its management port). */
  public List<X509Certificate> roots() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trust()).build();
    String pem =
        client
            .send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + mgmtPort + "/roots/0"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return List.of(Pem.certificates(pem));
  }

  /** Pebble's log so far. */
  public String log() throws IOException {
    Path f = dir.resolve("pebble.log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  @Override
  public void close() throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** A TLS context trusting exactly these anchors. */
  public static SSLContext trusting(List<X509Certificate> anchors) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    for (int i = 0; i < anchors.size(); i++) {
      ks.setCertificateEntry("a" + i, anchors.get(i));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  static List<X509Certificate> pemCertificates(Path file) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (var c : cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  /** A free TCP port on loopback. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
