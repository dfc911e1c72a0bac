package io.jtau.runtime.wasm;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link GuestDns} on dnsjava: the system resolver by default, or one given server. Lookups use no
 * shared cache, so one guest's answers never reach another. Thread-safe; each query waits at most
 * the configured timeout.
 */
public final class DnsJavaResolvers implements GuestDns.Factory {

  private final Resolver system;
  private final Duration timeout;

  /** Resolvers that use the system configuration, with a 5 s query timeout. */
  public DnsJavaResolvers() {
    this(null, Duration.ofSeconds(5));
  }

  /**
   * Resolvers whose "system" resolver is {@code server} (e.g. the node's own DNS, or a test server
   * on loopback); null means the system configuration.
   */
  public DnsJavaResolvers(InetSocketAddress server, Duration timeout) {
    this.timeout = timeout;
    Resolver r;
    if (server == null) {
      r = new ExtendedResolver();
    } else {
      SimpleResolver s = new SimpleResolver(server);
      r = s;
    }
    r.setTimeout(timeout);
    this.system = r;
  }

  @Override
  public GuestDns system() {
    return new Lookups(system);
  }

  @Override
  public GuestDns rerouted(InetSocketAddress server, boolean tcp) {
    SimpleResolver r = new SimpleResolver(server);
    r.setTCP(tcp);
    r.setTimeout(timeout);
    return new Lookups(r);
  }

  private record Lookups(Resolver resolver) implements GuestDns {

    private Record[] run(String name, int type) throws DnsException {
      try {
        Lookup l = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type);
        l.setResolver(resolver);
        l.setCache(null);
        l.setSearchPath((Name[]) null);
        Record[] r = l.run();
        if (l.getResult() != Lookup.SUCCESSFUL || r == null) {
          throw new DnsException(name + ": " + l.getErrorString());
        }
        return r;
      } catch (TextParseException e) {
        throw new DnsException("bad name " + name);
      }
    }

    @Override
    public List<String> txt(String name) throws DnsException {
      List<String> out = new ArrayList<>();
      for (Record r : run(name, Type.TXT)) {
        if (r instanceof TXTRecord t) {
          out.add(String.join("", t.getStrings()));
        }
      }
      return out;
    }

    @Override
    public List<String> reverse(String address) throws DnsException {
      InetAddress a;
      try {
        a = InetAddress.getByName(address);
      } catch (UnknownHostException e) {
        throw new DnsException("not an address: " + address);
      }
      if (!address.contains(":") && !address.matches("[0-9.]+")) {
        throw new DnsException("not an address: " + address);
      }
      List<String> out = new ArrayList<>();
      if (a.isLoopbackAddress()) {
        out.add("localhost"); // from the hosts file, as Go's resolver answers
      }
      try {
        for (Record r : run(ReverseMap.fromAddress(a).toString(), Type.PTR)) {
          if (r instanceof PTRRecord p) {
            out.add(p.getTarget().toString());
          }
        }
      } catch (DnsException e) {
        if (out.isEmpty()) {
          throw e;
        }
      }
      return out;
    }

    @Override
    public String cname(String name) throws DnsException {
      String fq = name.endsWith(".") ? name : name + ".";
      try {
        for (Record r : run(fq, Type.CNAME)) {
          if (r instanceof CNAMERecord c) {
            return c.getTarget().toString();
          }
        }
      } catch (DnsException noCname) {
        // no CNAME: the name itself if it resolves
      }
      run(fq, Type.A);
      return fq;
    }

    @Override
    public List<String> mx(String name) throws DnsException {
      List<MXRecord> records = new ArrayList<>();
      for (Record r : run(name, Type.MX)) {
        if (r instanceof MXRecord m) {
          records.add(m);
        }
      }
      // sorted by preference, as Go's LookupMX answers
      records.sort(java.util.Comparator.comparingInt(MXRecord::getPriority));
      List<String> out = new ArrayList<>();
      records.forEach(m -> out.add(m.getTarget() + "/" + m.getPriority() + "/"));
      return out;
    }
  }
}
