package io.jtau.runtime.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * TXT lookups with dnsjava, against one DNS server (an address and port) or the system's resolver.
 * No cache: each verification asks again. Blocking, thread-safe.
 */
public final class DnsTxtResolver implements TxtResolver {

  private final Resolver resolver;

  /** Asks this server (e.g. a node's own DNS on loopback in tests). */
  public DnsTxtResolver(InetSocketAddress server) {
    SimpleResolver r = new SimpleResolver(server);
    r.setTimeout(Duration.ofSeconds(3));
    this.resolver = r;
  }

  /** Asks the system's configured resolver. */
  public DnsTxtResolver() throws IOException {
    SimpleResolver r = new SimpleResolver();
    r.setTimeout(Duration.ofSeconds(3));
    this.resolver = r;
  }

  @Override
  public List<String> txt(String name) throws IOException {
    Record q = Record.newRecord(Name.fromString(CloudZones.dot(name)), Type.TXT, DClass.IN);
    Message resp = resolver.send(Message.newQuery(q));
    int rcode = resp.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return List.of();
    }
    if (rcode != Rcode.NOERROR) {
      throw new IOException("TXT lookup of " + name + " failed: " + Rcode.string(rcode));
    }
    List<String> out = new ArrayList<>();
    for (Record r : resp.getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord t) {
        out.add(String.join("", t.getStrings()));
      }
    }
    return out;
  }
}
