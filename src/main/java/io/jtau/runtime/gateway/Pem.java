package io.jtau.runtime.gateway;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone: certificate chains, PKCS#8 keys
 * ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519) and PKCS#1 RSA keys ({@code BEGIN RSA PRIVATE
 * KEY}). Encrypted keys and SEC1 EC keys ({@code BEGIN EC PRIVATE KEY}) are refused with a message
 * saying how to convert them. Pure, thread-safe.
 */
public final class Pem {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

  private Pem() {}

  /** A certificate chain and its key, checked to belong together. */
  public static SniKeyManager.KeyAndChain read(String certPem, String keyPem)
      throws GeneralSecurityException {
    X509Certificate[] chain = certificates(certPem);
    PrivateKey key = privateKey(keyPem);
    if (!chain[0].getPublicKey().getAlgorithm().equals(key.getAlgorithm())
        && !(key.getAlgorithm().equals("EdDSA")
            && chain[0].getPublicKey().getAlgorithm().equals("Ed25519"))) {
      throw new GeneralSecurityException(
          "the key is "
              + key.getAlgorithm()
              + " but the certificate's key is "
              + chain[0].getPublicKey().getAlgorithm());
    }
    return new SniKeyManager.KeyAndChain(key, chain);
  }

  /** Every certificate of a PEM text, leaf first. */
  public static X509Certificate[] certificates(String pem) throws GeneralSecurityException {
    if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new GeneralSecurityException("no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c :
        cf.generateCertificates(
            new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new GeneralSecurityException("no certificate in the PEM text");
    }
    return out.toArray(new X509Certificate[0]);
  }

  /** The private key of a PEM text. */
  public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    if (pem == null) {
      throw new GeneralSecurityException("no PEM private key");
    }
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).trim());
      } catch (IllegalArgumentException e) {
        throw new GeneralSecurityException("the " + type + " block is not base64");
      }
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der);
        case "RSA PRIVATE KEY":
          return pkcs8(wrapRsa(der));
        case "EC PRIVATE KEY":
          throw new GeneralSecurityException(
              "SEC1 EC keys are not read; convert with: openssl pkcs8 -topk8 -nocrypt");
        case "ENCRYPTED PRIVATE KEY":
          throw new GeneralSecurityException(
              "encrypted keys are not supported; store it unencrypted");
        default:
          // Other blocks (e.g. EC PARAMETERS) are skipped.
      }
    }
    throw new GeneralSecurityException("no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String alg : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("unreadable PKCS#8 key: " + last.getMessage());
  }

  /** Wraps a PKCS#1 RSAPrivateKey into a PKCS#8 PrivateKeyInfo. */
  static byte[] wrapRsa(byte[] pkcs1) {
    byte[] algId = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octet = tlv(0x04, pkcs1);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(version);
    body.writeBytes(algId);
    body.writeBytes(octet);
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** PEM text of DER bytes. */
  public static String encode(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
