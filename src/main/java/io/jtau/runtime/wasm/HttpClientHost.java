package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.HostCatalog.errno;
import static io.jtau.runtime.wasm.HostCatalog.fill;
import static io.jtau.runtime.wasm.HostCatalog.size;

import com.dylibso.chicory.runtime.Memory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP client family of {@code taubyte/sdk} (§3.5): per-instance clients and requests, sent
 * with the JDK client under tau's policy (30 s per request, or less if the invocation deadline is
 * nearer; at most 10 redirects, followed here so every hop passes the {@link EgressPolicy}).
 *
 * <p>The egress check resolves the host before each hop and refuses if any address is denied. The
 * JDK client resolves again when it connects, so a DNS answer that changes between the two lookups
 * is not caught; see the report of issue 5.
 */
final class HttpClientHost {

  static final String[] METHODS = {
    null, "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT"
  };
  private static final Set<String> RESTRICTED =
      Set.of("Connection", "Content-Length", "Expect", "Host", "Upgrade");

  private HttpClientHost() {}

  /** One client handle and its requests. */
  static final class Client {
    final Map<Integer, Request> requests = new HashMap<>();
    int nextRequest;
  }

  /** One request handle: what the guest set, and the last response. */
  static final class Request {
    URI url;
    int method = 1;
    final LinkedHashMap<String, List<String>> headers = new LinkedHashMap<>();
    Memory bodyMemory;
    long bodyPtr;
    long bodyLen;
    int status;
    Map<String, List<String>> responseHeaders;
    byte[] responseBody;
    int responsePos;
  }

  @FunctionalInterface
  private interface RequestOp {
    int apply(InvocationContext ctx, Request r, Memory m, long[] a);
  }

  private static HostCatalog.ErrnoImpl onRequest(RequestOp op) {
    return (ctx, m, a) -> {
      Request r;
      synchronized (ctx.state) {
        Client c = ctx.state.httpClients.get((int) a[0]);
        if (c == null) {
          return Errno.CLIENT_NOT_FOUND;
        }
        r = c.requests.get((int) a[1]);
      }
      if (r == null) {
        return Errno.ADDRESS_OUT_OF_MEMORY;
      }
      return op.apply(ctx, r, m, a);
    };
  }

  private static HostCatalog.ErrnoImpl onResponse(RequestOp op) {
    return onRequest(
        (ctx, r, m, a) -> r.responseHeaders == null ? Errno.NIL_ADDRESS : op.apply(ctx, r, m, a));
  }

  private static List<String> values(Map<String, List<String>> h, String key) {
    for (Map.Entry<String, List<String>> e : h.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key)) {
        return e.getValue();
      }
    }
    return List.of();
  }

  private static List<String> canonicalKeys(Map<String, List<String>> h) {
    List<String> out = new ArrayList<>();
    for (String k : h.keySet()) {
      String c = HttpNames.canonical(k);
      if (!out.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }

  static void register(List<HostSpec> out) {
    out.add(
        errno(
            "newHttpClient",
            1,
            (ctx, m, a) -> {
              int id;
              synchronized (ctx.state) {
                id = ctx.state.nextHttpClient++;
                ctx.state.httpClients.put(id, new Client());
              }
              return GuestMemory.writeU32(m, a[0], id) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(
        errno(
            "newHttpRequest",
            2,
            (ctx, m, a) -> {
              int id;
              synchronized (ctx.state) {
                Client c = ctx.state.httpClients.get((int) a[0]);
                if (c == null) {
                  return Errno.CLIENT_NOT_FOUND;
                }
                id = c.nextRequest++;
                c.requests.put(id, new Request());
              }
              return GuestMemory.writeU32(m, a[1], id) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(
        errno(
            "setHttpRequestURL",
            4,
            onRequest(
                (ctx, r, m, a) -> {
                  String s = GuestMemory.readString(m, a[2], a[3]);
                  if (s == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  try {
                    r.url = new URI(s);
                    return Errno.NONE;
                  } catch (URISyntaxException e) {
                    return Errno.PARSE_URL_FAILED;
                  }
                })));
    out.add(
        errno(
            "setHttpRequestMethod",
            3,
            onRequest(
                (ctx, r, m, a) -> {
                  if (a[2] < 1 || a[2] > 9) {
                    return Errno.INVALID_METHOD;
                  }
                  r.method = (int) a[2];
                  return Errno.NONE;
                })));
    out.add(
        errno(
            "getHttpRequestMethod",
            3,
            onRequest(
                (ctx, r, m, a) ->
                    GuestMemory.writeU32(m, a[2], r.method)
                        ? Errno.NONE
                        : Errno.MEMORY_WRITE_FAILED)));
    out.add(
        errno("setHttpRequestHeader", 6, onRequest((ctx, r, m, a) -> setHeader(r, m, a, true))));
    out.add(
        errno("addHttpRequestHeader", 6, onRequest((ctx, r, m, a) -> setHeader(r, m, a, false))));
    out.add(
        errno(
            "deleteHttpRequestHeader",
            4,
            onRequest(
                (ctx, r, m, a) -> {
                  String k = GuestMemory.readString(m, a[2], a[3]);
                  if (k == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  r.headers.remove(HttpNames.canonical(k));
                  return Errno.NONE;
                })));
    out.add(
        errno(
            "getHttpRequestHeaderSize",
            5,
            onRequest(
                (ctx, r, m, a) -> {
                  String k = GuestMemory.readString(m, a[2], a[3]);
                  return k == null
                      ? Errno.ADDRESS_OUT_OF_MEMORY
                      : size(m, a[4], HostCatalog.stringList(values(r.headers, k)));
                })));
    out.add(
        errno(
            "getHttpRequestHeader",
            5,
            onRequest(
                (ctx, r, m, a) -> {
                  String k = GuestMemory.readString(m, a[2], a[3]);
                  return k == null
                      ? Errno.ADDRESS_OUT_OF_MEMORY
                      : fill(m, a[4], HostCatalog.stringList(values(r.headers, k)));
                })));
    out.add(
        errno(
            "getHttpRequestHeaderKeysSize",
            3,
            onRequest(
                (ctx, r, m, a) ->
                    size(m, a[2], HostCatalog.stringList(canonicalKeys(r.headers))))));
    out.add(
        errno(
            "getHttpRequestHeaderKeys",
            4,
            onRequest(
                (ctx, r, m, a) ->
                    fill(m, a[2], HostCatalog.stringList(canonicalKeys(r.headers))))));
    out.add(
        errno(
            "setHttpRequestBody",
            4,
            onRequest(
                (ctx, r, m, a) -> {
                  // a live view of guest memory, read when the request is sent (§3.5)
                  r.bodyMemory = m;
                  r.bodyPtr = a[2];
                  r.bodyLen = a[3];
                  return Errno.NONE;
                })));
    out.add(errno("doHttpRequest", 2, onRequest(HttpClientHost::send)));
    out.add(
        errno(
            "readHttpResponseBody",
            5,
            onResponse(
                (ctx, r, m, a) -> {
                  if (!GuestMemory.inBounds(m, a[2], a[3])) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  int remaining = r.responseBody.length - r.responsePos;
                  if (remaining <= 0) {
                    return GuestMemory.writeU32(m, a[4], 0)
                        ? Errno.EOF
                        : Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  int n = (int) Math.min(a[3], remaining);
                  GuestMemory.write(
                      m,
                      a[2],
                      java.util.Arrays.copyOfRange(
                          r.responseBody, r.responsePos, r.responsePos + n));
                  r.responsePos += n;
                  return GuestMemory.writeU32(m, a[4], n)
                      ? Errno.NONE
                      : Errno.ADDRESS_OUT_OF_MEMORY;
                })));
    out.add(errno("closeHttpResponseBody", 2, onResponse((ctx, r, m, a) -> Errno.NONE)));
    out.add(
        errno(
            "getHttpResponseHeaderSize",
            5,
            onResponse(
                (ctx, r, m, a) -> {
                  String k = GuestMemory.readString(m, a[2], a[3]);
                  return k == null
                      ? Errno.ADDRESS_OUT_OF_MEMORY
                      : size(m, a[4], HostCatalog.stringList(values(r.responseHeaders, k)));
                })));
    out.add(
        errno(
            "getHttpResponseHeader",
            5,
            onResponse(
                (ctx, r, m, a) -> {
                  String k = GuestMemory.readString(m, a[2], a[3]);
                  return k == null
                      ? Errno.ADDRESS_OUT_OF_MEMORY
                      : fill(m, a[4], HostCatalog.stringList(values(r.responseHeaders, k)));
                })));
    out.add(
        errno(
            "getHttpResponseHeaderKeysSize",
            3,
            onResponse(
                (ctx, r, m, a) ->
                    size(m, a[2], HostCatalog.stringList(canonicalKeys(r.responseHeaders))))));
    out.add(
        errno(
            "getHttpResponseHeaderKeys",
            4,
            onResponse(
                (ctx, r, m, a) ->
                    fill(m, a[2], HostCatalog.stringList(canonicalKeys(r.responseHeaders))))));
  }

  private static int setHeader(Request r, Memory m, long[] a, boolean replace) {
    String k = GuestMemory.readString(m, a[2], a[3]);
    byte[] list = GuestMemory.read(m, a[4], a[5]);
    if (k == null || list == null) {
      return Errno.ADDRESS_OUT_OF_MEMORY;
    }
    List<String> vals = HostCatalog.decodeStringList(list);
    if (vals.isEmpty()) {
      return Errno.NONE;
    }
    String key = HttpNames.canonical(k);
    List<String> current =
        replace ? new ArrayList<>() : r.headers.getOrDefault(key, new ArrayList<>());
    List<String> next = new ArrayList<>(current);
    next.addAll(vals);
    r.headers.put(key, next);
    return Errno.NONE;
  }

  private static int send(InvocationContext ctx, Request r, Memory m, long[] a) {
    if (r.url == null) {
      return Errno.HTTP_REQUEST_FAILED;
    }
    byte[] body = new byte[0];
    if (r.bodyMemory != null) {
      body = GuestMemory.read(r.bodyMemory, r.bodyPtr, r.bodyLen);
      r.bodyMemory = null; // consumed by the first send (§3.5)
      if (body == null) {
        return Errno.HTTP_REQUEST_FAILED;
      }
    }
    String method = METHODS[r.method];
    URI url = r.url;
    long limit = Math.min(Duration.ofSeconds(30).toNanos(), ctx.remainingNanos());
    long end = System.nanoTime() + limit;
    try {
      for (int hop = 0; hop <= 10; hop++) {
        if (!allowed(ctx.config.egress(), url)) {
          return Errno.HTTP_REQUEST_FAILED;
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          return Errno.HTTP_REQUEST_FAILED;
        }
        HttpRequest.Builder b =
            HttpRequest.newBuilder(url)
                .timeout(Duration.ofNanos(left))
                .method(
                    method,
                    body.length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : r.headers.entrySet()) {
          if (RESTRICTED.contains(h.getKey())) {
            continue;
          }
          for (String v : h.getValue()) {
            b.header(h.getKey(), v);
          }
        }
        HttpResponse<InputStream> resp =
            ctx.httpClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        int code = resp.statusCode();
        var location = resp.headers().firstValue("Location");
        if ((code == 301 || code == 302 || code == 303 || code == 307 || code == 308)
            && location.isPresent()
            && hop < 10) {
          resp.body().close();
          url = url.resolve(location.get());
          if (code == 303 || ((code == 301 || code == 302) && method.equals("POST"))) {
            method = "GET";
            body = new byte[0];
          }
          continue;
        }
        byte[] data;
        try (InputStream in = resp.body()) {
          data = in.readNBytes(ctx.config.maxResponseBytes());
        }
        r.status = code;
        r.responseHeaders = resp.headers().map();
        r.responseBody = data;
        r.responsePos = 0;
        return Errno.NONE;
      }
      return Errno.HTTP_REQUEST_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Errno.HTTP_REQUEST_FAILED;
    } catch (IOException | IllegalArgumentException e) {
      return Errno.HTTP_REQUEST_FAILED;
    }
  }

  private static boolean allowed(EgressPolicy policy, URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
      return false;
    }
    int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    try {
      for (InetAddress addr : InetAddress.getAllByName(url.getHost())) {
        if (!policy.allows(addr, port)) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The JDK client shared by a runtime: no automatic redirects, 10 s connect timeout. */
  static HttpClient newJdkClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }
}
