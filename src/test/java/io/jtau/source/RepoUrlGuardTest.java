package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RepoUrlGuardTest {

  /** A fixed name table standing in for DNS: every answer is a real address literal. */
  static final Map<String, String[]> DNS =
      Map.of(
          "github.com", new String[] {"140.82.121.3"},
          "gitlab.example", new String[] {"93.184.216.34", "2606:2800:220:1::1"},
          "rebind.example", new String[] {"93.184.216.34", "10.0.0.7"},
          "metadata.example", new String[] {"169.254.169.254"},
          "v6local.example", new String[] {"fd00::1"});

  static InetAddress[] resolve(String host) throws UnknownHostException {
    String[] a = DNS.get(host);
    if (a == null) {
      if (host.matches("[0-9.]+") || host.contains(":")) {
        return new InetAddress[] {InetAddress.getByName(host)};
      }
      throw new UnknownHostException(host);
    }
    InetAddress[] out = new InetAddress[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = InetAddress.getByName(a[i]);
    }
    return out;
  }

  static final RepoUrlGuard STRICT =
      new RepoUrlGuard(false, List.of("http://127.0.0.1:8080"), RepoUrlGuardTest::resolve);
  static final RepoUrlGuard LAB = new RepoUrlGuard(true, List.of(), RepoUrlGuardTest::resolve);

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(
            "https public",
            STRICT,
            "https://github.com/acme/shop.git",
            "ok https://github.com/acme/shop.git"),
        Arguments.of(
            "ssh url",
            STRICT,
            "ssh://git@github.com/acme/shop.git",
            "ok ssh://git@github.com/acme/shop.git"),
        Arguments.of(
            "scp-like ssh",
            STRICT,
            "git@github.com:acme/shop.git",
            "ok ssh://git@github.com/acme/shop.git"),
        Arguments.of(
            "all addresses public",
            STRICT,
            "https://gitlab.example/a/b",
            "ok https://gitlab.example/a/b"),
        Arguments.of(
            "own server over http",
            STRICT,
            "http://127.0.0.1:8080/git/p/config.git",
            "ok http://127.0.0.1:8080/git/p/config.git"),
        Arguments.of(
            "file scheme",
            STRICT,
            "file:///srv/repo.git",
            "refused: repository URL scheme 'file' is not allowed: use https:// or ssh://"),
        Arguments.of(
            "local path",
            STRICT,
            "/srv/repo.git",
            "refused: repository URL scheme '(none)' is not allowed: use https:// or ssh://"),
        Arguments.of(
            "git protocol",
            STRICT,
            "git://10.0.0.1/repo",
            "refused: repository URL scheme 'git' is not allowed: use https:// or ssh://"),
        Arguments.of(
            "metadata over http",
            STRICT,
            "http://169.254.169.254/latest/meta-data",
            "refused: repository URL scheme 'http' is not allowed: use https:// or ssh://"),
        Arguments.of(
            "metadata over https",
            STRICT,
            "https://169.254.169.254/x.git",
            "refused: repository host 169.254.169.254 resolves to 169.254.169.254 (link-local); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "name to metadata",
            STRICT,
            "https://metadata.example/x.git",
            "refused: repository host metadata.example resolves to 169.254.169.254 (link-local); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "one private address of several",
            STRICT,
            "https://rebind.example/x.git",
            "refused: repository host rebind.example resolves to 10.0.0.7 (private network); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "loopback",
            STRICT,
            "https://127.0.0.1/x.git",
            "refused: repository host 127.0.0.1 resolves to 127.0.0.1 (loopback); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "other port on own host",
            STRICT,
            "http://127.0.0.1:9999/git/p/config.git",
            "refused: repository URL scheme 'http' is not allowed: use https:// or ssh://"),
        Arguments.of(
            "192.168",
            STRICT,
            "ssh://git@192.168.1.2/x.git",
            "refused: repository host 192.168.1.2 resolves to 192.168.1.2 (private network); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "172.16/12",
            STRICT,
            "https://172.31.0.1/x.git",
            "refused: repository host 172.31.0.1 resolves to 172.31.0.1 (private network); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "CGNAT",
            STRICT,
            "https://100.64.0.1/x.git",
            "refused: repository host 100.64.0.1 resolves to 100.64.0.1 (carrier-grade NAT); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "unspecified",
            STRICT,
            "https://0.0.0.0/x.git",
            "refused: repository host 0.0.0.0 resolves to 0.0.0.0 (unspecified address); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "multicast",
            STRICT,
            "https://224.0.0.1/x.git",
            "refused: repository host 224.0.0.1 resolves to 224.0.0.1 (multicast); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "ipv6 loopback",
            STRICT,
            "https://[::1]/x.git",
            "refused: repository host ::1 resolves to 0:0:0:0:0:0:0:1 (loopback); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "ipv6 link-local",
            STRICT,
            "https://[fe80::1]/x.git",
            "refused: repository host fe80::1 resolves to fe80:0:0:0:0:0:0:1 (link-local); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "ipv6 unique local",
            STRICT,
            "https://v6local.example/x.git",
            "refused: repository host v6local.example resolves to fd00:0:0:0:0:0:0:1 (unique local (private) address); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "ipv4-mapped private",
            STRICT,
            "https://[::ffff:10.0.0.1]/x.git",
            "refused: repository host ::ffff:10.0.0.1 resolves to 10.0.0.1 (private network); set jtau.sources.allow-private=true to allow it"),
        Arguments.of(
            "unresolvable",
            STRICT,
            "https://nope.invalid/x.git",
            "refused: repository host nope.invalid does not resolve"),
        Arguments.of(
            "CRLF injection",
            STRICT,
            "https://github.com/a/b.git\r\nHost: evil",
            "refused: repository URL contains a control or space character at position 26"),
        Arguments.of(
            "NUL",
            STRICT,
            "https://github.com/a\u0000b.git",
            "refused: repository URL contains a control or space character at position 20"),
        Arguments.of(
            "password in URL",
            STRICT,
            "https://user:hunter2@github.com/a/b.git",
            "refused: repository URL must not carry credentials; pass a token file or a deploy key instead"),
        Arguments.of(
            "user in https URL",
            STRICT,
            "https://user@github.com/a/b.git",
            "refused: repository URL must not carry credentials; pass a token file or a deploy key instead"),
        Arguments.of(
            "query",
            STRICT,
            "https://github.com/a/b.git?x=1",
            "refused: repository URL must not have a query or a fragment"),
        Arguments.of(
            "too long",
            STRICT,
            "https://github.com/" + "a".repeat(2100),
            "refused: repository URL is longer than 2048 characters"),
        Arguments.of("empty", STRICT, " ", "refused: repository URL is empty"),
        Arguments.of(
            "lab allows loopback",
            LAB,
            "https://127.0.0.1:8443/x.git",
            "ok https://127.0.0.1:8443/x.git"),
        Arguments.of(
            "lab allows http to loopback",
            LAB,
            "http://127.0.0.1:9000/x.git",
            "ok http://127.0.0.1:9000/x.git"),
        Arguments.of(
            "lab refuses http to metadata",
            LAB,
            "http://169.254.169.254/latest/meta-data",
            "refused: repository URL scheme 'http' is not allowed: use https:// or ssh://"),
        Arguments.of(
            "lab refuses http to a private LAN",
            LAB,
            "http://10.1.2.3/x.git",
            "refused: repository URL scheme 'http' is not allowed: use https:// or ssh://"),
        Arguments.of(
            "lab still refuses file",
            LAB,
            "file:///etc",
            "refused: repository URL scheme 'file' is not allowed: use https:// or ssh://"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decisions(String name, RepoUrlGuard guard, String url, String expected) {
    String got;
    try {
      got = "ok " + guard.check(url);
    } catch (RepoUrlGuard.RefusedUrlException e) {
      got = "refused: " + e.getMessage();
    }
    assertThat(got).isEqualTo(expected);
  }
}
