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
 *   <li>DNS-01 (RFC 8555 §8.4): TXT owner name ({@code _acme-challenge.<name>}) → the digests to
 *       answer. The node's authoritative DNS serves them (only for names in its own zone); the
 *       listener set with {@link #onDns01Change} runs, synchronously, after every change, so the
 *       record is in the zone before the CA is told to look.
 * </ul>
 *
 * Thread-safe; entries live only while an order is in progress.
 */
public final class AcmeChallenges {

  /** The ALPN protocol name of TLS-ALPN-01 validation connections. */
  public static final String ACME_TLS_1 = "acme-tls/1";

  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final Map<String, SniKeyManager.KeyAndChain> tlsAlpn = new ConcurrentHashMap<>();
  private final Map<String, java.util.List<String>> dns01 = new java.util.TreeMap<>();
  private volatile Runnable dns01Changed = () -> {};

  /**
   * Sets what runs after each DNS-01 publication or withdrawal (the node rebuilds its zone). It
   * runs on the thread that changed the record and must not block for long.
   */
  public void onDns01Change(Runnable listener) {
    this.dns01Changed = listener == null ? () -> {} : listener;
  }

  /**
   * Publishes a DNS-01 answer: a TXT record {@code digest} at {@code rrName} (trailing dot
   * optional). Several digests may share a name (a name and its wildcard in one order).
   */
  public void putDns01(String rrName, String digest) {
    String n = dnsKey(rrName);
    synchronized (dns01) {
      java.util.List<String> values = dns01.computeIfAbsent(n, k -> new java.util.ArrayList<>());
      if (!values.contains(digest)) {
        values.add(digest);
      }
    }
    dns01Changed.run();
  }

  /** Withdraws a DNS-01 answer (idempotent). */
  public void removeDns01(String rrName, String digest) {
    String n = dnsKey(rrName);
    boolean changed;
    synchronized (dns01) {
      java.util.List<String> values = dns01.get(n);
      changed = values != null && values.remove(digest);
      if (values != null && values.isEmpty()) {
        dns01.remove(n);
      }
    }
    if (changed) {
      dns01Changed.run();
    }
  }

  /** The DNS-01 TXT records to serve now: owner name (no trailing dot) → digests. */
  public Map<String, java.util.List<String>> dns01Records() {
    synchronized (dns01) {
      Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
      dns01.forEach((k, v) -> out.put(k, java.util.List.copyOf(v)));
      return out;
    }
  }

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
    int dns;
    synchronized (dns01) {
      dns = dns01.values().stream().mapToInt(java.util.List::size).sum();
    }
    return answers.size() + tlsAlpn.size() + dns;
  }

  private static String dnsKey(String rrName) {
    String n = rrName.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static String key(String host, String token) {
    return host.toLowerCase(Locale.ROOT) + " " + token;
  }
}
