package io.jtau.runtime.dns;

import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers DNS queries from a set of zones (pure: a message in, a message out). Rules: only standard
 * queries with one question of class IN; zone transfers (AXFR, IXFR) are REFUSED; a name outside
 * every zone is REFUSED (we are not a resolver); a missing name is NXDOMAIN and an existing name
 * without the type is NODATA, both with the zone's SOA in the authority section so resolvers cache
 * the negative answer for the SOA minimum (RFC 2308), except under an {@code _acme-challenge}
 * label, whose negative answers carry a SOA capped at {@value #ACME_NEGATIVE_TTL} seconds (TTL and
 * minimum) so a CA's resolver that asked before a DNS-01 answer was published asks again within
 * seconds. Thread-safe: zones are swapped atomically. The answer depends only on the query and the
 * zones, never on who asks or when.
 */
public final class Authority {

  /** Seconds a negative answer for an {@code _acme-challenge} name may be cached. */
  public static final long ACME_NEGATIVE_TTL = 5;

  private static final String ACME_LABEL = "_acme-challenge";

  private volatile List<Zone> zones = List.of();
  private final java.util.concurrent.atomic.AtomicLong version =
      new java.util.concurrent.atomic.AtomicLong();

  /** Replaces every zone at once. */
  public void zones(List<Zone> next) {
    this.zones = List.copyOf(next);
    version.incrementAndGet();
  }

  /**
   * A number that changes whenever the answers may change (every {@link #zones} call): answers
   * computed under one version may be reused while it holds.
   */
  public long version() {
    return version.get();
  }

  public List<Zone> zones() {
    return zones;
  }

  /** The zone whose origin is the closest ancestor of the name (or the name itself). */
  Zone zoneOf(Name name) {
    Zone best = null;
    for (Zone z : zones) {
      if (name.subdomain(z.origin())
          && (best == null || z.origin().labels() > best.origin().labels())) {
        best = z;
      }
    }
    return best;
  }

  /**
   * The SOA sent with a negative answer (pure): the zone's, or for a name under an {@code
   * _acme-challenge} label one whose TTL and minimum are at most {@value #ACME_NEGATIVE_TTL} s.
   */
  static SOARecord negativeSoa(Zone zone, Name name) {
    SOARecord soa = zone.soa();
    boolean acme = false;
    for (int i = 0; i < name.labels() - zone.origin().labels(); i++) {
      if (ACME_LABEL.equalsIgnoreCase(name.getLabelString(i))) {
        acme = true;
        break;
      }
    }
    if (!acme) {
      return soa;
    }
    return new SOARecord(
        soa.getName(),
        soa.getDClass(),
        Math.min(soa.getTTL(), ACME_NEGATIVE_TTL),
        soa.getHost(),
        soa.getAdmin(),
        soa.getSerial(),
        soa.getRefresh(),
        soa.getRetry(),
        soa.getExpire(),
        Math.min(soa.getMinimum(), ACME_NEGATIVE_TTL));
  }

  /** The answer to a parsed query. */
  public Message answer(Message query) {
    Header qh = query.getHeader();
    Message resp = new Message(qh.getID());
    Header h = resp.getHeader();
    h.setFlag(Flags.QR);
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    h.setOpcode(qh.getOpcode());
    if (qh.getOpcode() != Opcode.QUERY) {
      h.setRcode(Rcode.NOTIMP);
      return resp;
    }
    if (qh.getCount(Section.QUESTION) != 1 || query.getQuestion() == null) {
      h.setRcode(Rcode.FORMERR);
      return resp;
    }
    Record q = query.getQuestion();
    resp.addRecord(q, Section.QUESTION);
    int type = q.getType();
    if (type == Type.AXFR || type == Type.IXFR) {
      h.setRcode(Rcode.REFUSED);
      return resp;
    }
    if (q.getDClass() != DClass.IN && q.getDClass() != DClass.ANY) {
      h.setRcode(Rcode.REFUSED);
      return resp;
    }
    Name name = q.getName();
    Zone zone = zoneOf(name);
    if (zone == null) {
      h.setRcode(Rcode.REFUSED);
      return resp;
    }
    h.setFlag(Flags.AA);
    if (!zone.exists(name)) {
      h.setRcode(Rcode.NXDOMAIN);
      resp.addRecord(negativeSoa(zone, name), Section.AUTHORITY);
      return resp;
    }
    List<Record> answers = zone.records(name, type);
    if (answers.isEmpty()) {
      resp.addRecord(negativeSoa(zone, name), Section.AUTHORITY);
      return resp;
    }
    for (Record r : answers) {
      resp.addRecord(r, Section.ANSWER);
    }
    if (type != Type.NS && type != Type.SOA && type != Type.ANY) {
      for (Record ns : zone.nameServers()) {
        resp.addRecord(ns, Section.AUTHORITY);
      }
    }
    return resp;
  }
}
