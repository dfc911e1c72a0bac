package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.HostCatalog.errno;
import static io.jtau.runtime.wasm.HostCatalog.fill;
import static io.jtau.runtime.wasm.HostCatalog.size;
import static io.jtau.runtime.wasm.HostCatalog.utf8;

import com.dylibso.chicory.runtime.Memory;
import java.util.List;

/** The PubSub message event getters of {@code taubyte/sdk} (§3.3). */
final class PubSubEventHost {

  private PubSubEventHost() {}

  @FunctionalInterface
  private interface Getter {
    int call(PubSubEvent ev, Memory m, long[] a);
  }

  /** Unknown event → 1; an event that is not a pubsub message → 4. */
  private static HostCatalog.ErrnoImpl onMessage(Getter g) {
    return (ctx, m, a) -> {
      Object ev = ctx.event(a[0]);
      if (ev == null) {
        return Errno.EVENT_NOT_FOUND;
      }
      return ev instanceof PubSubEvent p ? g.call(p, m, a) : Errno.NIL_ADDRESS;
    };
  }

  /** The channel of a topic {@code <projectHash>/<channel>}, or null when it has not two parts. */
  static String channel(String topic) {
    String[] parts = topic.split("/", -1);
    return parts.length == 2 ? parts[1] : null;
  }

  static void register(List<HostSpec> out) {
    out.add(errno("getMessageDataSize", 2, onMessage((ev, m, a) -> size(m, a[1], ev.data()))));
    out.add(errno("getMessageData", 2, onMessage((ev, m, a) -> fill(m, a[1], ev.data()))));
    out.add(
        errno(
            "getMessageChannelSize",
            2,
            onMessage(
                (ev, m, a) -> {
                  String c = channel(ev.topic());
                  return c == null ? Errno.CHANNEL_NOT_FOUND : size(m, a[1], utf8(c));
                })));
    out.add(
        errno(
            "getMessageChannel",
            2,
            onMessage(
                (ev, m, a) -> {
                  String c = channel(ev.topic());
                  return c == null ? Errno.CHANNEL_NOT_FOUND : fill(m, a[1], utf8(c));
                })));
  }
}
