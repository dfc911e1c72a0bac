package io.jtau.runtime.wasm;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A P2P command event (type 3, §3.4): the request, the payload and protocol cached by the Size
 * calls, and the response the guest builds. Used by one invocation; synchronized because a command
 * module's start thread may touch it.
 */
final class P2PEvent {

  final P2PRequest request;
  private String command;
  private byte[] data;
  private String protocol;
  private byte[] responseData;

  P2PEvent(P2PRequest request) {
    this.request = request;
    this.command = request.command();
  }

  /** The command name, renamed to the body's {@code command} entry when present; null if bad. */
  synchronized String command() {
    Object c = request.body().get("command");
    if (c != null) {
      if (c instanceof String s) {
        command = s;
      } else if (c instanceof byte[] b) {
        command = new String(b, StandardCharsets.UTF_8);
      } else {
        return null;
      }
    }
    return command;
  }

  /** Picks and caches the payload (§3.4); null when it cannot be encoded (49). */
  synchronized byte[] pickData() {
    Object d = request.body().get("data");
    if (d != null) {
      data = d instanceof byte[] b ? b : null;
    } else {
      String json = json(request.body());
      data = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
    }
    return data;
  }

  synchronized byte[] cachedData() {
    return data;
  }

  /** Reads and caches the body's {@code protocol}; null when absent or not a string (45). */
  synchronized String pickProtocol() {
    Object p = request.body().get("protocol");
    protocol = p instanceof String s ? s : null;
    return protocol;
  }

  synchronized String cachedProtocol() {
    return protocol;
  }

  synchronized void respond(byte[] bytes) {
    responseData = bytes.clone();
  }

  synchronized byte[] responseData() {
    return responseData;
  }

  /**
   * The body as Go's {@code encoding/json} writes a {@code map[string]interface{}}: keys sorted,
   * byte arrays as standard base64, HTML-sensitive characters escaped; null for unsupported values.
   */
  static String json(Map<String, Object> body) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> e : new TreeMap<>(body).entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      quote(sb, e.getKey());
      sb.append(':');
      Object v = e.getValue();
      if (v == null) {
        sb.append("null");
      } else if (v instanceof String s) {
        quote(sb, s);
      } else if (v instanceof byte[] b) {
        quote(sb, Base64.getEncoder().encodeToString(b));
      } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
        sb.append(v);
      } else {
        return null;
      }
    }
    return sb.append('}').toString();
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
