package io.jtau.source;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Decides whether a user-given repository URL may be fetched (the server-side request forgery
 * guard). Only {@code https} and {@code ssh} (also written {@code git@host:path}) are accepted,
 * plus plain {@code http} to the node's own embedded Git server (and, when private networks are
 * allowed, to a server on this machine's loopback); control characters, user passwords in the URL
 * and local paths are refused. The host is resolved and every address must be public unless the
 * operator allows private networks. Stateless apart from its settings; thread-safe; blocks on DNS.
 */
public final class RepoUrlGuard {

  /** Resolves a host name to all its addresses (the JDK's resolver in production). */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** A URL the guard refused; the message names the reason and never holds a credential. */
  public static final class RefusedUrlException extends IllegalArgumentException {
    public RefusedUrlException(String message) {
      super(message);
    }
  }

  private static final int MAX_LENGTH = 2048;
  private static final Pattern SCP_LIKE =
      Pattern.compile("([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!//)([A-Za-z0-9._~/-]+)");

  private final boolean allowPrivate;
  private final Supplier<List<String>> ownOrigins;
  private final Resolver resolver;

  /**
   * @param allowPrivate accept loopback, private, link-local... addresses (tests, labs)
   * @param ownOrigins origins ({@code http://127.0.0.1:8080}) of the node's own Git server, which
   *     are accepted over plain http whatever their address
   */
  public RepoUrlGuard(boolean allowPrivate, List<String> ownOrigins, Resolver resolver) {
    this(allowPrivate, () -> ownOrigins, resolver);
  }

  /** As above, with the own origins looked up at each check (the port is known late). */
  public RepoUrlGuard(boolean allowPrivate, Supplier<List<String>> ownOrigins, Resolver resolver) {
    this.allowPrivate = allowPrivate;
    this.ownOrigins = ownOrigins;
    this.resolver = resolver;
  }

  /** A guard using the JDK resolver. */
  public static RepoUrlGuard system(boolean allowPrivate, Supplier<List<String>> ownOrigins) {
    return new RepoUrlGuard(allowPrivate, ownOrigins, InetAddress::getAllByName);
  }

  /**
   * Checks {@code url} and returns it in canonical form ({@code git@host:path} becomes {@code
   * ssh://git@host/path}). Throws {@link RefusedUrlException} naming the reason.
   */
  public String check(String url) {
    if (url == null || url.isBlank()) {
      throw new RefusedUrlException("repository URL is empty");
    }
    if (url.length() > MAX_LENGTH) {
      throw new RefusedUrlException("repository URL is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
        throw new RefusedUrlException(
            "repository URL contains a control or space character at position " + i);
      }
    }
    String canonical = url;
    var scp = SCP_LIKE.matcher(url);
    if (scp.matches()) {
      canonical = "ssh://" + scp.group(1) + "@" + scp.group(2) + "/" + scp.group(3);
    }
    URI uri;
    try {
      uri = new URI(canonical);
    } catch (URISyntaxException e) {
      throw new RefusedUrlException("repository URL is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    boolean own = isOwn(uri);
    boolean labHttp = scheme.equals("http") && !own && allowPrivate && allLoopback(host);
    if (!scheme.equals("https")
        && !scheme.equals("ssh")
        && !(scheme.equals("http") && (own || labHttp))) {
      throw new RefusedUrlException(
          "repository URL scheme '"
              + (scheme.isEmpty() ? "(none)" : scheme)
              + "' is not allowed: use https:// or ssh://");
    }
    if (host == null || host.isEmpty()) {
      throw new RefusedUrlException("repository URL has no host");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && (userInfo.contains(":") || scheme.startsWith("http"))) {
      throw new RefusedUrlException(
          "repository URL must not carry credentials; pass a token file or a deploy key instead");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new RefusedUrlException("repository URL must not have a query or a fragment");
    }
    if (!own && !allowPrivate) {
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      InetAddress[] addresses;
      try {
        addresses = resolver.resolve(bare);
      } catch (UnknownHostException e) {
        throw new RefusedUrlException("repository host " + bare + " does not resolve");
      }
      if (addresses.length == 0) {
        throw new RefusedUrlException("repository host " + bare + " does not resolve");
      }
      for (InetAddress a : addresses) {
        String why = forbidden(a);
        if (why != null) {
          throw new RefusedUrlException(
              "repository host "
                  + bare
                  + " resolves to "
                  + a.getHostAddress()
                  + " ("
                  + why
                  + "); set jtau.sources.allow-private=true to allow it");
        }
      }
    }
    return uri.toString();
  }

  /** Lab setups (allow-private) may use plain http to a Git server on this machine only. */
  private boolean allLoopback(String host) {
    if (host == null) {
      return false;
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    try {
      InetAddress[] all = resolver.resolve(bare);
      if (all.length == 0) {
        return false;
      }
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private boolean isOwn(URI uri) {
    if (uri.getScheme() == null || uri.getHost() == null) {
      return false;
    }
    String origin =
        uri.getScheme().toLowerCase(Locale.ROOT)
            + "://"
            + uri.getHost().toLowerCase(Locale.ROOT)
            + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    return ownOrigins.get().contains(origin)
        && uri.getRawPath() != null
        && uri.getRawPath().startsWith("/git/");
  }

  /** Why an address may not be reached, or null when it is public. */
  static String forbidden(InetAddress a) {
    if (a.isAnyLocalAddress()) {
      return "unspecified address";
    }
    if (a.isLoopbackAddress()) {
      return "loopback";
    }
    if (a.isLinkLocalAddress()) {
      return "link-local";
    }
    if (a.isMulticastAddress()) {
      return "multicast";
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      if (b0 == 10 || (b0 == 172 && b1 >= 16 && b1 <= 31) || (b0 == 192 && b1 == 168)) {
        return "private network";
      }
      if (b0 == 100 && b1 >= 64 && b1 <= 127) {
        return "carrier-grade NAT";
      }
      if (b0 == 0) {
        return "this-network address";
      }
      if (b0 >= 240) {
        return "reserved";
      }
    } else if (a instanceof Inet6Address) {
      int b0 = b[0] & 0xff;
      if ((b0 & 0xfe) == 0xfc) {
        return "unique local (private) address";
      }
      if (b0 == 0xfe && (b[1] & 0xc0) == 0x80) {
        return "link-local";
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      if (mapped) {
        try {
          return forbidden(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return "invalid address";
        }
      }
    }
    return null;
  }
}
