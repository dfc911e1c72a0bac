package io.jtau.runtime.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * Builds the zones a node is authoritative for, from what it runs (pure).
 *
 * <ul>
 *   <li>The cloud zone {@code <fqdn>}: SOA and NS ({@code ns.tau.<fqdn>}), a CAA record naming the
 *       allowed certificate issuer, {@code <service>.tau.<fqdn>} → the addresses of nodes running
 *       the service, each served generated domain {@code <label>.g.<fqdn>} → gateway addresses, and
 *       TXT records given by the caller (names under the FQDN only, with their own {@code txtTtl}:
 *       the ACME DNS-01 answers are short-lived).
 *   <li>One zone per served project domain outside the cloud FQDN, holding only its apex → gateway
 *       addresses (for names delegated to this cloud).
 * </ul>
 *
 * Negative answers are cached for {@code negativeTtl} seconds (the SOA minimum).
 */
public final class CloudZones {

  /** What the zones describe. */
  public record View(
      String fqdn,
      List<InetAddress> nodeAddresses,
      List<String> services,
      Collection<String> servedHosts,
      Map<String, List<String>> txt,
      String caaIssuer,
      long ttl,
      long negativeTtl,
      long serial,
      long txtTtl) {}

  private CloudZones() {}

  /** The zones of a view. */
  public static List<Zone> build(View v) {
    try {
      Name origin = Name.fromString(dot(v.fqdn()));
      Name ns = Name.fromString(dot("ns.tau." + v.fqdn()));
      Name hostmaster = Name.fromString(dot("hostmaster." + v.fqdn()));
      List<Zone> zones = new ArrayList<>();
      List<Record> cloud = new ArrayList<>();
      cloud.add(new NSRecord(origin, DClass.IN, v.ttl(), ns));
      addresses(cloud, ns, v);
      addresses(cloud, origin, v);
      if (v.caaIssuer() != null && !v.caaIssuer().isBlank()) {
        cloud.add(new CAARecord(origin, DClass.IN, v.ttl(), 0, "issue", v.caaIssuer()));
      }
      for (String service : v.services()) {
        addresses(cloud, Name.fromString(dot(service + ".tau." + v.fqdn())), v);
      }
      String suffix = "." + v.fqdn().toLowerCase(Locale.ROOT);
      for (String host : v.servedHosts()) {
        Name n = Name.fromString(dot(host));
        if (host.endsWith(suffix)) {
          addresses(cloud, n, v);
        } else {
          SOARecord soa = soa(n, ns, hostmaster, v);
          List<Record> rs = new ArrayList<>();
          rs.add(new NSRecord(n, DClass.IN, v.ttl(), ns));
          addresses(rs, n, v);
          zones.add(new Zone(soa, rs));
        }
      }
      for (Map.Entry<String, List<String>> t : v.txt().entrySet()) {
        Name n = Name.fromString(dot(t.getKey()));
        if (n.subdomain(origin)) {
          for (String value : t.getValue()) {
            cloud.add(new TXTRecord(n, DClass.IN, v.txtTtl(), value));
          }
        }
      }
      zones.add(0, new Zone(soa(origin, ns, hostmaster, v), cloud));
      return zones;
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad DNS name: " + e.getMessage(), e);
    }
  }

  private static SOARecord soa(Name origin, Name ns, Name hostmaster, View v) {
    return new SOARecord(
        origin, DClass.IN, v.ttl(), ns, hostmaster, v.serial(), 3600, 600, 86400, v.negativeTtl());
  }

  private static void addresses(List<Record> out, Name n, View v) {
    for (InetAddress a : v.nodeAddresses()) {
      out.add(
          a instanceof Inet6Address
              ? new AAAARecord(n, DClass.IN, v.ttl(), a)
              : new ARecord(n, DClass.IN, v.ttl(), a));
    }
  }

  static String dot(String name) {
    return name.endsWith(".") ? name : name + ".";
  }
}
