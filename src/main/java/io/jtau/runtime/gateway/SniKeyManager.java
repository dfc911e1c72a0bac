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
 * are replaced per owner (a project branch, or the node) in one step while the server runs.
 * Thread-safe.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {

  /** A private key and its certificate chain (leaf first). */
  public record KeyAndChain(PrivateKey key, X509Certificate[] chain) {}

  private static final String DEFAULT = "default";

  private final Map<String, Map<String, KeyAndChain>> byOwner = new ConcurrentHashMap<>();
  private volatile Map<String, KeyAndChain> byName = Map.of();
  private volatile KeyAndChain fallback;

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
    return alias(keyType, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    SSLSession s = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
    return alias(keyType, s);
  }

  private String alias(String keyType, SSLSession session) {
    String name = null;
    if (session instanceof ExtendedSSLSession ext) {
      for (SNIServerName sni : ext.getRequestedServerNames()) {
        if (sni instanceof SNIHostName h) {
          name = h.getAsciiName();
        }
      }
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
