package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.HostCatalog.errno;
import static io.jtau.runtime.wasm.HostCatalog.fill;
import static io.jtau.runtime.wasm.HostCatalog.size;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DNS (§3.11, 11 functions) over the runtime's {@link GuestDns.Factory}. Each Size call looks up
 * and caches the answer per (kind, name) in the resolver; the fill writes it and forgets it.
 * Stateless; resolvers live in {@link HostState}.
 */
final class DnsHost {

  private DnsHost() {}

  /** One guest resolver: where its queries go and the answers waiting for their fill call. */
  static final class Resolver {
    GuestDns dns;
    final Map<String, byte[]> answers = new HashMap<>();

    Resolver(GuestDns dns) {
      this.dns = dns;
    }
  }

  @FunctionalInterface
  private interface Query {
    byte[] run(GuestDns dns, String name) throws GuestDns.DnsException;
  }

  static void register(List<HostSpec> out) {
    out.add(
        errno(
            "dnsNewResolver",
            1,
            (ctx, m, a) -> {
              int id = ctx.state.addResolver(new Resolver(ctx.dns.system()));
              return GuestMemory.writeU32(m, a[0], id) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(
        errno(
            "dnsRerouteResolver",
            5,
            (ctx, m, a) -> {
              Resolver r = ctx.state.resolver(a[0]);
              String addr = GuestMemory.readString(m, a[1], a[2]);
              String net = GuestMemory.readString(m, a[3], a[4]);
              if (addr == null || net == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              if (r == null) {
                return Errno.RESOLVER_NOT_FOUND;
              }
              InetSocketAddress server = parse(addr);
              boolean tcp = net.startsWith("tcp");
              if (server == null
                  || !(tcp || net.startsWith("udp"))
                  || !ctx.config.egress().allows(server.getAddress(), server.getPort())) {
                return Errno.RESOLVER_NOT_FOUND;
              }
              try {
                GuestDns dns = ctx.dns.rerouted(server, tcp);
                synchronized (r) {
                  r.dns = dns;
                }
                return Errno.NONE;
              } catch (GuestDns.DnsException e) {
                return Errno.RESOLVER_NOT_FOUND;
              }
            }));
    out.add(
        errno(
            "dnsResetResolver",
            1,
            (ctx, m, a) -> {
              Resolver r = ctx.state.resolver(a[0]);
              if (r == null) {
                return Errno.RESOLVER_NOT_FOUND;
              }
              synchronized (r) {
                r.dns = ctx.dns.system();
              }
              return Errno.NONE;
            }));
    pair(
        out,
        "dnsLookupTxT",
        "txt",
        Errno.FAILED_TXT_LOOKUP,
        (dns, n) -> HostCatalog.stringList(dns.txt(n)));
    pair(
        out,
        "dnsLookupAddress",
        "ptr",
        Errno.FAILED_ADDRESS_LOOKUP,
        (dns, n) -> HostCatalog.stringList(dns.reverse(n)));
    pair(
        out,
        "dnsLookupCNAME",
        "cname",
        Errno.FAILED_CNAME_LOOKUP,
        (dns, n) -> HostCatalog.utf8(dns.cname(n)));
    pair(
        out,
        "dnsLookupMX",
        "mx",
        Errno.FAILED_MX_LOOKUP,
        (dns, n) -> HostCatalog.stringList(dns.mx(n)));
  }

  private static void pair(List<HostSpec> out, String name, String kind, int failure, Query q) {
    out.add(
        errno(
            name + "Size",
            4,
            (ctx, m, a) -> {
              Resolver r = ctx.state.resolver(a[0]);
              if (r == null) {
                return Errno.RESOLVER_NOT_FOUND;
              }
              String host = GuestMemory.readString(m, a[1], a[2]);
              if (host == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              GuestDns dns;
              synchronized (r) {
                dns = r.dns;
              }
              byte[] answer;
              try {
                answer = q.run(dns, host);
              } catch (GuestDns.DnsException e) {
                return failure;
              }
              synchronized (r) {
                r.answers.put(kind + "\u0000" + host, answer);
              }
              return size(m, a[3], answer);
            }));
    out.add(
        errno(
            name,
            4,
            (ctx, m, a) -> {
              Resolver r = ctx.state.resolver(a[0]);
              if (r == null) {
                return Errno.RESOLVER_NOT_FOUND;
              }
              String host = GuestMemory.readString(m, a[1], a[2]);
              if (host == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              byte[] answer;
              synchronized (r) {
                answer = r.answers.remove(kind + "\u0000" + host);
              }
              // every kind answers 102 without a cached Size (§3.11)
              return answer == null ? Errno.FAILED_TXT_LOOKUP : fill(m, a[3], answer);
            }));
  }

  /** {@code host:port} or {@code [v6]:port} with a literal address; null otherwise. */
  static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return null; // only literal addresses: no lookup before the egress check
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return null;
      }
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (NumberFormatException | UnknownHostException e) {
      return null;
    }
  }
}
