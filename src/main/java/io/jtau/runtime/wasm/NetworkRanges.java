package io.jtau.runtime.wasm;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** The address ranges tau's egress guard denies (§3.5). Pure functions. */
final class NetworkRanges {

  private NetworkRanges() {}

  /** Whether the address is loopback, private, link-local, reserved or otherwise not public. */
  static boolean isNonPublic(InetAddress a) {
    if (a.isAnyLocalAddress()
        || a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int x = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
      return in4(x, 0x00000000, 8) // this network
          || in4(x, 0x0A000000, 8)
          || in4(x, 0x7F000000, 8)
          || in4(x, 0x64400000, 10) // CGNAT 100.64/10
          || in4(x, 0xA9FE0000, 16)
          || in4(x, 0xAC100000, 12)
          || in4(x, 0xC0000000, 24) // 192.0.0/24
          || in4(x, 0xC0A80000, 16)
          || in4(x, 0xC6120000, 15) // 198.18/15 benchmarking
          || in4(x, 0xE0000000, 4) // multicast
          || in4(x, 0xF0000000, 4) // reserved, broadcast
          || x == 0xA83F8110; // 168.63.129.16, cloud host endpoint
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return true; // ULA fc00::/7
      }
      if (first == 0x20 && b[1] == 0x02) {
        return true; // 6to4 2002::/16
      }
      if (first == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
        return true; // Teredo 2001::/32
      }
      // NAT64 64:ff9b::/96
      boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
      for (int i = 4; nat64 && i < 12; i++) {
        nat64 = b[i] == 0;
      }
      return nat64;
    }
    return true;
  }

  private static boolean in4(int addr, int net, int bits) {
    int mask = bits == 0 ? 0 : -1 << (32 - bits);
    return (addr & mask) == (net & mask);
  }
}
