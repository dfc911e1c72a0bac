package io.jtau.runtime.wasm;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The DNS lookups a guest makes through {@code dnsLookup*} (§3.11). Implementations must be
 * thread-safe and bound their own waiting (a few seconds per query).
 */
public interface GuestDns {

  /** TXT records of {@code name}, one string per record. */
  List<String> txt(String name) throws DnsException;

  /** Names of an IP address (reverse lookup), fully qualified with a trailing dot. */
  List<String> reverse(String address) throws DnsException;

  /** The canonical name of {@code name} with a trailing dot (the name itself without CNAME). */
  String cname(String name) throws DnsException;

  /** MX records as {@code host/preference/} strings, e.g. {@code smtp.example.com./10/}. */
  List<String> mx(String name) throws DnsException;

  /** Where resolvers come from: the node's configured resolver, or a guest-chosen server. */
  interface Factory {

    /** The node's resolver (the system configuration unless the node says otherwise). */
    GuestDns system();

    /**
     * A resolver sending every query to {@code server} over {@code tcp} or UDP. The caller has
     * already checked the egress policy.
     */
    GuestDns rerouted(InetSocketAddress server, boolean tcp) throws DnsException;
  }

  /** A failed lookup; the message is for logs, never shown to guests. */
  final class DnsException extends Exception {
    public DnsException(String message) {
      super(message);
    }
  }
}
