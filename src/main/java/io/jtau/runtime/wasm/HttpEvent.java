package io.jtau.runtime.wasm;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP event: the request a guest reads and the response it builds, with Go {@code net/http}
 * semantics (§4.6): status 200 by default; status and headers committed by the first write, status,
 * redirect or flush; later status changes and header additions are ignored; a missing Content-Type
 * is sniffed from the first bytes. Confined to the invocation's threads; methods are synchronized
 * because a command module's {@code _start} thread may also call in.
 */
final class HttpEvent {

  private final HttpRequest request;
  private final int maxResponseBytes;
  private Map<String, List<String>> query;
  private List<String> headerKeys;
  private int bodyPos;
  private boolean bodyClosed;

  private int status = 200;
  private boolean committed;
  private final List<Map.Entry<String, String>> headers = new ArrayList<>();
  private List<Map.Entry<String, String>> wireHeaders;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private byte[] sniffed;

  HttpEvent(HttpRequest request, int maxResponseBytes) {
    this.request = request;
    this.maxResponseBytes = maxResponseBytes;
  }

  HttpRequest request() {
    return request;
  }

  // ---- request side

  /** First value of a request header, case-insensitive; empty when absent. */
  synchronized String header(String name) {
    for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return "";
  }

  /** Canonical names of the request headers, snapshotted at first use. */
  synchronized List<String> headerKeys() {
    if (headerKeys == null) {
      LinkedHashSet<String> keys = new LinkedHashSet<>();
      request.headers().keySet().forEach(k -> keys.add(HttpNames.canonical(k)));
      headerKeys = List.copyOf(keys);
    }
    return headerKeys;
  }

  synchronized String queryValue(String key) {
    List<String> v = query().get(key);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  /** All values of a query parameter, in order; empty when absent. */
  synchronized List<String> queryValues(String key) {
    List<String> v = query().get(key);
    return v == null ? List.of() : List.copyOf(v);
  }

  synchronized List<String> queryKeys() {
    return List.copyOf(query().keySet());
  }

  private Map<String, List<String>> query() {
    if (query == null) {
      query = parseQuery(request.rawQuery());
    }
    return query;
  }

  /**
   * Parses a query string like Go's {@code url.ParseQuery}: pairs split on '&', a pair with ';' or
   * a bad escape is skipped, '+' decodes to a space.
   */
  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty() || pair.indexOf(';') >= 0) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        k = URLDecoder.decode(k, StandardCharsets.UTF_8);
        v = URLDecoder.decode(v, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException badEscape) {
        continue;
      }
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  /** Reads up to {@code max} body bytes; null at end of body; throws if closed. */
  synchronized byte[] readBody(int max) {
    if (bodyClosed) {
      throw new IllegalStateException("read on closed body");
    }
    byte[] all = request.body();
    int remaining = all.length - bodyPos;
    if (remaining <= 0) {
      return null;
    }
    int n = Math.min(max, remaining);
    byte[] out = java.util.Arrays.copyOfRange(all, bodyPos, bodyPos + n);
    bodyPos += n;
    return out;
  }

  synchronized void closeBody() {
    bodyClosed = true;
  }

  // ---- response side

  private void commit() {
    if (!committed) {
      committed = true;
      wireHeaders = List.copyOf(headers);
    }
  }

  private boolean hasWireContentType() {
    for (Map.Entry<String, String> e : committed ? wireHeaders : headers) {
      if (e.getKey().equals("Content-Type")) {
        return true;
      }
    }
    return false;
  }

  /** Appends body bytes; returns the errno (5 when the status forbids a body or it is full). */
  synchronized int write(byte[] data) {
    commit();
    if (!bodyAllowed(status)) {
      return Errno.HTTP_WRITE;
    }
    if ((long) body.size() + data.length > maxResponseBytes) {
      return Errno.HTTP_WRITE;
    }
    body.write(data, 0, data.length);
    return Errno.NONE;
  }

  private static boolean bodyAllowed(int status) {
    return !(status >= 100 && status <= 199) && status != 204 && status != 304;
  }

  synchronized void flush() {
    commit();
    if (sniffed == null && body.size() > 0) {
      sniffed = body.toByteArray();
    }
  }

  /** Sets the status unless committed; {@code code} was already range-checked. */
  synchronized void status(int code) {
    if (committed) {
      return;
    }
    if (code >= 100 && code <= 199 && code != 101) {
      // Go sends 1xx as informational responses without committing; nothing to record here.
      return;
    }
    status = code;
    commit();
  }

  synchronized void addHeader(String key, String value) {
    headers.add(new SimpleImmutableEntry<>(HttpNames.canonical(key), value));
  }

  private void setHeader(String key, String value) {
    headers.removeIf(e -> e.getKey().equals(key));
    headers.add(new SimpleImmutableEntry<>(key, value));
  }

  /** Go's {@code http.Redirect}; {@code code} was already range-checked. */
  synchronized void redirect(String url, int code) {
    String target = url;
    if (!hasScheme(url) && !url.startsWith("//")) {
      String oldPath = request.path().isEmpty() ? "/" : request.path();
      if (url.isEmpty() || url.charAt(0) != '/') {
        int slash = oldPath.lastIndexOf('/');
        target = oldPath.substring(0, slash + 1) + url;
      }
      String query = "";
      int q = target.indexOf('?');
      if (q >= 0) {
        query = target.substring(q);
        target = target.substring(0, q);
      }
      boolean trailing = target.endsWith("/");
      target = cleanPath(target);
      if (trailing && !target.endsWith("/")) {
        target += "/";
      }
      target += query;
    }
    boolean hadContentType = false;
    for (Map.Entry<String, String> e : headers) {
      hadContentType |= e.getKey().equals("Content-Type");
    }
    String method = request.method().toUpperCase(Locale.ROOT);
    if (!committed) {
      setHeader("Location", HttpNames.hexEscapeNonAscii(target));
      if (!hadContentType && (method.equals("GET") || method.equals("HEAD"))) {
        setHeader("Content-Type", "text/html; charset=utf-8");
      }
    }
    status(code);
    if (!hadContentType && method.equals("GET")) {
      String text =
          "<a href=\""
              + HttpNames.htmlEscape(target)
              + "\">"
              + HttpNames.statusText(code)
              + "</a>.\n\n";
      write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static boolean hasScheme(String url) {
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == ':') {
        return i > 0;
      }
      boolean ok =
          Character.isLetter(c)
              || (i > 0 && (Character.isDigit(c) || c == '+' || c == '-' || c == '.'));
      if (!ok || c > 127) {
        return false;
      }
    }
    return false;
  }

  /** Go's {@code path.Clean}. */
  static String cleanPath(String p) {
    if (p.isEmpty()) {
      return ".";
    }
    boolean rooted = p.charAt(0) == '/';
    List<String> parts = new ArrayList<>();
    for (String seg : p.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (!parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
          parts.remove(parts.size() - 1);
        } else if (!rooted) {
          parts.add("..");
        }
        continue;
      }
      parts.add(seg);
    }
    String joined = String.join("/", parts);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /** The response as the client will see it. */
  synchronized HttpResponse toResponse(String log) {
    List<Map.Entry<String, String>> out = new ArrayList<>(committed ? wireHeaders : headers);
    byte[] bytes = body.toByteArray();
    if (bytes.length > 0 && !hasWireContentType()) {
      byte[] sniff = sniffed != null ? sniffed : bytes;
      out.add(
          new SimpleImmutableEntry<>("Content-Type", ContentSniffer.detect(sniff, sniff.length)));
    }
    return new HttpResponse(status, out, bytes, log);
  }
}
