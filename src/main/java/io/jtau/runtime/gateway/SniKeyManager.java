package io.jtau.runtime.gateway;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks the server certificate by the name the client asks for (SNI): an exact name first, then a
 * wildcard one label up ({@code *.example.com}), else the node's default certificate. Certificates
 * are replaced per owner (a project branch, or the node) in one step while the server runs. A
 * connection that negotiated {@code acme-tls/1} (TLS-ALPN-01 validation by an ACME CA) gets the
 * validation certificate published for exactly its server name in {@link AcmeChallenges}, and
 * nothing else: no validation certificate for the name means no certificate at all. Thread-safe.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {

  /** A private key and its certificate chain (leaf first). */
  public record KeyAndChain(PrivateKey key, X509Certificate[] chain) {}

  private static final String DEFAULT = "default";
  private static final String ACME = "acme:";

  private final Map<String, Map<String, KeyAndChain>> byOwner = new ConcurrentHashMap<>();
  private volatile Map<String, KeyAndChain> byName = Map.of();
  private volatile KeyAndChain fallback;
  private volatile AcmeChallenges acme;

  /** Serves TLS-ALPN-01 validation certificates from {@code challenges}. */
  public void setAcmeChallenges(AcmeChallenges challenges) {
    this.acme = challenges;
  }

  /** Sets the certificate served when no name matches (the node's own). */
  public void setDefault(KeyAndChain kc) {
    this.fallback = kc;
  }

  /** Replaces the certificates of an owner: host name (lower case, may be {@code *.x}) → key. */
  public synchronized void put(String owner, Map<String, KeyAndChain> certificates) {
    if (certificates.isEmpty()) {
      byOwner.remove(owner);
    } else {
      byOwner.put(owner, Map.copyOf(certificates));
    }
    Map<String, KeyAndChain> next = new HashMap<>();
    byOwner.values().forEach(m -> m.forEach(next::putIfAbsent));
    byName = Map.copyOf(next);
  }

  /** The certificate chosen for a requested server name (null name = default). */
  public KeyAndChain select(String serverName) {
    if (serverName != null) {
      String n = serverName.toLowerCase(Locale.ROOT);
      KeyAndChain kc = byName.get(n);
      if (kc != null) {
        return kc;
      }
      int dot = n.indexOf('.');
      if (dot > 0) {
        kc = byName.get("*" + n.substring(dot));
        if (kc != null) {
          return kc;
        }
      }
    }
    return fallback;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (engine == null) {
      return alias(keyType, null, null);
    }
    return alias(keyType, engine.getHandshakeSession(), engine.getHandshakeApplicationProtocol());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    if (socket instanceof SSLSocket ssl) {
      return alias(keyType, ssl.getHandshakeSession(), ssl.getHandshakeApplicationProtocol());
    }
    return alias(keyType, null, null);
  }

  private String alias(String keyType, SSLSession session, String protocol) {
    String name = null;
    if (session instanceof ExtendedSSLSession ext) {
      for (SNIServerName sni : ext.getRequestedServerNames()) {
        if (sni instanceof SNIHostName h) {
          name = h.getAsciiName();
        }
      }
    }
    if (AcmeChallenges.ACME_TLS_1.equals(protocol)) {
      AcmeChallenges a = acme;
      KeyAndChain v = a == null || name == null ? null : a.tlsAlpn(name).orElse(null);
      return v == null || !matches(v.key(), keyType) ? null : ACME + name.toLowerCase(Locale.ROOT);
    }
    KeyAndChain kc = select(name);
    if (kc == null || !matches(kc.key(), keyType)) {
      return null;
    }
    return name == null || kc == fallback ? DEFAULT : "sni:" + name.toLowerCase(Locale.ROOT);
  }

  private static boolean matches(PrivateKey key, String keyType) {
    String alg = key.getAlgorithm();
    if (keyType == null) {
      return true;
    }
    return switch (keyType) {
      case "RSA", "RSASSA-PSS" -> alg.equals("RSA") || alg.equals("RSASSA-PSS");
      case "EC", "EC_EC", "EC_RSA" -> alg.equals("EC");
      case "EdDSA", "Ed25519" -> alg.equals("EdDSA") || alg.equals("Ed25519");
      default -> alg.equalsIgnoreCase(keyType);
    };
  }

  private KeyAndChain byAlias(String alias) {
    if (alias == null) {
      return null;
    }
    if (alias.equals(DEFAULT)) {
      return fallback;
    }
    if (alias.startsWith(ACME)) {
      AcmeChallenges a = acme;
      return a == null ? null : a.tlsAlpn(alias.substring(ACME.length())).orElse(null);
    }
    return alias.startsWith("sni:") ? select(alias.substring(4)) : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    KeyAndChain kc = byAlias(alias);
    return kc == null ? null : kc.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    KeyAndChain kc = byAlias(alias);
    return kc == null ? null : kc.key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {DEFAULT};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  /** Names with a certificate now, for status pages. */
  public List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }
}
