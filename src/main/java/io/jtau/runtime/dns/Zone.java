package io.jtau.runtime.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One authoritative zone held in memory: its SOA and NS records and every record by owner name. A
 * name exists only if it owns records or lies between the apex and such a name (an empty
 * non-terminal, answered NODATA); no prefix or wildcard matching, so a parent of a registered name
 * never gets its addresses (fixes tau's D19). Immutable and thread-safe.
 */
public final class Zone {

  private final Name origin;
  private final SOARecord soa;
  private final Map<Name, List<Record>> byName;
  private final Set<Name> emptyNonTerminals;

  /**
   * @param records every record of the zone except the SOA (NS records included); owners must be at
   *     or under the origin
   */
  public Zone(SOARecord soa, List<Record> records) {
    this.origin = soa.getName();
    this.soa = soa;
    Map<Name, List<Record>> m = new HashMap<>();
    m.computeIfAbsent(origin, n -> new ArrayList<>()).add(soa);
    for (Record r : records) {
      if (!r.getName().subdomain(origin)) {
        throw new IllegalArgumentException(r.getName() + " is outside zone " + origin);
      }
      m.computeIfAbsent(r.getName(), n -> new ArrayList<>()).add(r);
    }
    Set<Name> ents = new HashSet<>();
    for (Name n : m.keySet()) {
      for (int labels = n.labels() - 1; labels > origin.labels(); labels--) {
        Name parent = new Name(n, n.labels() - labels);
        if (!m.containsKey(parent)) {
          ents.add(parent);
        }
      }
    }
    Map<Name, List<Record>> frozen = new HashMap<>();
    m.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    this.byName = Map.copyOf(frozen);
    this.emptyNonTerminals = Set.copyOf(ents);
  }

  public Name origin() {
    return origin;
  }

  public SOARecord soa() {
    return soa;
  }

  /** The NS records at the apex. */
  public List<Record> nameServers() {
    return records(origin, Type.NS);
  }

  /** Whether the name exists in this zone (owns records, or is an empty non-terminal). */
  public boolean exists(Name name) {
    return byName.containsKey(name) || emptyNonTerminals.contains(name);
  }

  /** The records of a name and type ({@link Type#ANY} = all); empty when none. */
  public List<Record> records(Name name, int type) {
    List<Record> all = byName.get(name);
    if (all == null) {
      return List.of();
    }
    if (type == Type.ANY) {
      return all;
    }
    List<Record> out = new ArrayList<>();
    for (Record r : all) {
      if (r.getType() == type) {
        out.add(r);
      }
    }
    return out;
  }

  /** Every owner name, for tests and status pages. */
  public Set<Name> names() {
    return byName.keySet();
  }

  static boolean isNs(Record r) {
    return r instanceof NSRecord;
  }
}
