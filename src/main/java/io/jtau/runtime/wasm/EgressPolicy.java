package io.jtau.runtime.wasm;

import java.net.InetAddress;

/**
 * Decides whether a guest may open a connection to an address (HTTP client, DNS reroute). Checked
 * on the resolved address of every connection, redirects included. Thread-safe, non-blocking.
 */
@FunctionalInterface
public interface EgressPolicy {

  /** Whether a connection to {@code address} on {@code port} may be opened. */
  boolean allows(InetAddress address, int port);

  /** tau's rule (§3.5): public unicast addresses only. */
  static EgressPolicy publicOnly() {
    return (address, port) -> !NetworkRanges.isNonPublic(address);
  }

  /** Allows everything, loopback included. For tests and single-user local runs only. */
  static EgressPolicy allowAll() {
    return (address, port) -> true;
  }
}
