package io.jtau.app;

import io.jtau.runtime.dns.Authority;
import io.jtau.runtime.dns.CloudZones;
import io.jtau.runtime.dns.DnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The node's authoritative DNS: the cloud zone ({@code <service>.tau.<fqdn>}, generated domains)
 * and one zone per served project domain, rebuilt from the hosts the gateway actually serves (so a
 * name resolves to this node only while a project serves it, and never points at a 404), plus the
 * ACME DNS-01 TXT records ({@code _acme-challenge.<name>}) while an order validates. Served over
 * UDP and TCP on {@code jtau.dns.port} (0 = a free port, -1 = off). Thread-safe.
 */
public final class DnsService implements AutoCloseable {

  private final NodeConfig config;
  private final Supplier<Set<String>> servedHosts;
  private final Supplier<Map<String, List<String>>> acmeTxt;
  private final Clock clock;
  private final Authority authority = new Authority();
  private final List<InetAddress> addresses;
  private DnsServer server;

  DnsService(NodeConfig config, Supplier<Set<String>> servedHosts, Clock clock) {
    this(config, servedHosts, Map::of, clock);
  }

  /**
   * @param acmeTxt the ACME DNS-01 answers to serve now (owner name → digests); only names under
   *     the cloud FQDN are served, with a {@value #ACME_TXT_TTL} s TTL
   */
  DnsService(
      NodeConfig config,
      Supplier<Set<String>> servedHosts,
      Supplier<Map<String, List<String>>> acmeTxt,
      Clock clock) {
    this.config = config;
    this.servedHosts = servedHosts;
    this.acmeTxt = acmeTxt;
    this.clock = clock;
    List<InetAddress> a = new ArrayList<>();
    for (String s : config.dns().addresses()) {
      try {
        a.add(InetAddress.getByName(s.trim()));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("jtau.dns.addresses: not an address: " + s, e);
      }
    }
    this.addresses = List.copyOf(a);
    rebuild();
  }

  /** Starts the server when a port is configured; returns the bound port or -1. */
  int start(ExecutorService workers) {
    int port = config.dns().port();
    if (port < 0) {
      return -1;
    }
    server =
        new DnsServer(
            authority,
            new DnsServer.Settings(config.dns().ratePerSource(), 64, 5000),
            workers,
            System::nanoTime);
    try {
      return server.start(InetAddress.getByName(config.dns().bind()), port);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bind DNS on " + config.dns().bind() + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** TTL of the ACME DNS-01 TXT records: they live only while an order validates. */
  static final long ACME_TXT_TTL = 5;

  /** Recomputes every zone from what the gateway serves now and the ACME answers published. */
  synchronized void rebuild() {
    authority.zones(
        CloudZones.build(
            new CloudZones.View(
                config.fqdn(),
                addresses,
                config.dns().services(),
                servedHosts.get(),
                acmeTxt.get(),
                config.dns().caaIssuer(),
                60,
                60,
                clock.millis() / 1000,
                ACME_TXT_TTL)));
  }

  /** The bound port, or -1 when DNS is off. */
  public int port() {
    return server == null ? -1 : server.port();
  }

  /** The zones served, for tests and status pages. */
  public Authority authority() {
    return authority;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
