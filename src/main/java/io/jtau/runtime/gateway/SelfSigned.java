package io.jtau.runtime.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The node's self-signed development certificate (EC P-256, one year), made once with the JDK's
 * {@code keytool} and kept in {@code <dir>/node.p12} with its password beside it (owner-only
 * files). Names: the given DNS names and IP addresses as subject alternative names. Blocking; not
 * for production (browsers warn), which is what inline certificates and ACME are for.
 */
public final class SelfSigned {

  private SelfSigned() {}

  /** Loads the certificate, creating it the first time. */
  public static SniKeyManager.KeyAndChain loadOrCreate(
      Path dir, List<String> dnsNames, List<String> ips, Random random)
      throws IOException, GeneralSecurityException {
    Path store = dir.resolve("node.p12");
    Path pass = dir.resolve("node.p12.pass");
    if (!Files.isRegularFile(store) || !Files.isRegularFile(pass)) {
      Files.createDirectories(dir);
      byte[] p = new byte[16];
      random.nextBytes(p);
      String password = HexFormat.of().formatHex(p);
      Path tmp = dir.resolve("node.p12.tmp");
      Files.deleteIfExists(tmp);
      List<String> san = new ArrayList<>();
      dnsNames.forEach(n -> san.add("dns:" + n));
      ips.forEach(i -> san.add("ip:" + i));
      List<String> cmd =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
              "-genkeypair",
              "-alias",
              "node",
              "-keyalg",
              "EC",
              "-groupname",
              "secp256r1",
              "-sigalg",
              "SHA256withECDSA",
              "-validity",
              "365",
              "-dname",
              "CN=" + (dnsNames.isEmpty() ? "jtau" : dnsNames.get(0)),
              "-ext",
              "SAN=" + String.join(",", san),
              "-keystore",
              tmp.toString(),
              "-storetype",
              "PKCS12",
              "-storepass:env",
              "JTAU_KEYSTORE_PASS");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("JTAU_KEYSTORE_PASS", password);
      Process proc = pb.start();
      String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        if (!proc.waitFor(60, TimeUnit.SECONDS) || proc.exitValue() != 0) {
          proc.destroyForcibly();
          throw new IOException("keytool failed to make the node certificate: " + out.strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while making the node certificate");
      }
      Files.writeString(pass, password);
      restrict(pass);
      restrict(tmp);
      Files.move(tmp, store, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    char[] password = Files.readString(pass).trim().toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password);
    }
    PrivateKey key = (PrivateKey) ks.getKey("node", password);
    Certificate[] chain = ks.getCertificateChain("node");
    X509Certificate[] x = new X509Certificate[chain.length];
    for (int i = 0; i < chain.length; i++) {
      x[i] = (X509Certificate) chain[i];
    }
    return new SniKeyManager.KeyAndChain(key, x);
  }

  private static void restrict(Path p) throws IOException {
    try {
      Files.setPosixFilePermissions(
          p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the default mode stays.
    }
  }
}
