package io.jtau.runtime.dns;

import java.io.IOException;
import java.util.List;

/**
 * Reads TXT records, for domain verification. Injected so tests point it at a DNS server on
 * loopback. Blocking; thread-safe implementations.
 */
public interface TxtResolver {

  /**
   * The TXT strings at a name (each record's strings joined); empty when the name has none.
   *
   * @throws IOException when the lookup failed (a failed lookup never verifies anything)
   */
  List<String> txt(String name) throws IOException;
}
