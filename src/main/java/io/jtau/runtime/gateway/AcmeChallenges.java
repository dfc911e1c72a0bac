package io.jtau.runtime.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ACME challenges being validated right now, each for one exact name.
 *
 * <ul>
 *   <li>HTTP-01: (host, token) → key authorization. The gateway answers {@code GET
 *       /.well-known/acme-challenge/<token>} only when the request's host is the exact name the
 *       challenge is for, so a token for one name never validates another.
 *   <li>TLS-ALPN-01 (RFC 8737): host → the validation certificate. The HTTPS server negotiates the
 *       {@code acme-tls/1} protocol only while one is published, and presents it only to a client
 *       that asked for that protocol and named that host (SNI).
 * </ul>
 *
 * Thread-safe; entries live only while an order is in progress.
 */
public final class AcmeChallenges {

  /** The ALPN protocol name of TLS-ALPN-01 validation connections. */
  public static final String ACME_TLS_1 = "acme-tls/1";

  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final Map<String, SniKeyManager.KeyAndChain> tlsAlpn = new ConcurrentHashMap<>();

  /** Publishes a challenge answer for {@code host}. */
  public void put(String host, String token, String keyAuthorization) {
    answers.put(key(host, token), keyAuthorization);
  }

  /** Withdraws a challenge answer (idempotent). */
  public void remove(String host, String token) {
    answers.remove(key(host, token));
  }

  /** The key authorization to answer for a request to {@code host} asking for {@code token}. */
  public Optional<String> answer(String host, String token) {
    if (host == null || token == null || token.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(answers.get(key(host, token)));
  }

  /** Publishes the TLS-ALPN-01 validation certificate for {@code host}. */
  public void putTlsAlpn(String host, SniKeyManager.KeyAndChain certificate) {
    tlsAlpn.put(host.toLowerCase(Locale.ROOT), certificate);
  }

  /** Withdraws the TLS-ALPN-01 certificate of {@code host} (idempotent). */
  public void removeTlsAlpn(String host) {
    tlsAlpn.remove(host.toLowerCase(Locale.ROOT));
  }

  /** The TLS-ALPN-01 validation certificate for a server name, if one is published. */
  public Optional<SniKeyManager.KeyAndChain> tlsAlpn(String host) {
    return host == null
        ? Optional.empty()
        : Optional.ofNullable(tlsAlpn.get(host.toLowerCase(Locale.ROOT)));
  }

  /** Whether any TLS-ALPN-01 validation is in progress (the only time acme-tls/1 is offered). */
  public boolean tlsAlpnPending() {
    return !tlsAlpn.isEmpty();
  }

  /** How many challenges are published (for status pages and tests). */
  public int size() {
    return answers.size() + tlsAlpn.size();
  }

  private static String key(String host, String token) {
    return host.toLowerCase(Locale.ROOT) + " " + token;
  }
}
