package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.HostCatalog.errno;
import static io.jtau.runtime.wasm.HostCatalog.fill;
import static io.jtau.runtime.wasm.HostCatalog.size;
import static io.jtau.runtime.wasm.HostCatalog.utf8;

import com.dylibso.chicory.runtime.Memory;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * PubSub event getters (§3.3), P2P event getters (§3.4) and the P2P node functions (§3.10).
 * Stateless; per-instance state lives in {@link HostState} and the events.
 */
final class P2PHost {

  private P2PHost() {}

  static void register(List<HostSpec> out) {
    pubsubEvent(out);
    p2pEvent(out);
    p2pNode(out);
  }

  // ---- PubSub event (§3.3)

  @FunctionalInterface
  private interface OnEvent<E> {
    int call(E ev, Memory m, long[] a);
  }

  private static <E> HostCatalog.ErrnoImpl on(Class<E> type, OnEvent<E> f) {
    return (ctx, m, a) -> {
      Object ev = ctx.event(a[0]);
      if (ev == null) {
        return Errno.EVENT_NOT_FOUND;
      }
      if (!type.isInstance(ev)) {
        return Errno.NIL_ADDRESS;
      }
      return f.call(type.cast(ev), m, a);
    };
  }

  private static void pubsubEvent(List<HostSpec> out) {
    out.add(
        errno(
            "getMessageDataSize",
            2,
            on(PubSubEvent.class, (ev, m, a) -> size(m, a[1], ev.message().data()))));
    out.add(
        errno(
            "getMessageData",
            2,
            on(PubSubEvent.class, (ev, m, a) -> fill(m, a[1], ev.message().data()))));
    out.add(
        errno(
            "getMessageChannelSize",
            2,
            on(
                PubSubEvent.class,
                (ev, m, a) ->
                    ev.channel() == null
                        ? Errno.CHANNEL_NOT_FOUND
                        : size(m, a[1], utf8(ev.channel())))));
    out.add(
        errno(
            "getMessageChannel",
            2,
            on(
                PubSubEvent.class,
                (ev, m, a) ->
                    ev.channel() == null
                        ? Errno.CHANNEL_NOT_FOUND
                        : fill(m, a[1], utf8(ev.channel())))));
  }

  // ---- P2P event (§3.4)

  private static void p2pEvent(List<HostSpec> out) {
    out.add(
        errno(
            "getP2PEventCommandSize",
            2,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  String c = ev.command();
                  return c == null ? Errno.P2P_COMMAND_NOT_FOUND : size(m, a[1], utf8(c));
                })));
    out.add(
        errno(
            "getP2PEventCommand",
            2,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  String c = ev.command();
                  return c == null ? Errno.P2P_COMMAND_NOT_FOUND : fill(m, a[1], utf8(c));
                })));
    out.add(
        errno(
            "getP2PEventDataSize",
            2,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  byte[] d = ev.pickData();
                  return d == null ? Errno.MARSHAL_DATA_FAILED : size(m, a[1], d);
                })));
    out.add(
        errno(
            "getP2PEventData",
            2,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  byte[] d = ev.cachedData();
                  // tau writes one NUL for a missing value (§1.3)
                  return fill(m, a[1], d == null ? new byte[] {0} : d);
                })));
    out.add(
        errno(
            "getP2PEventProtocolSize",
            2,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  String p = ev.pickProtocol();
                  return p == null ? Errno.P2P_PROTOCOL_NOT_FOUND : size(m, a[1], utf8(p));
                })));
    out.add(
        errno(
            "getP2PEventProtocol",
            2,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  String p = ev.cachedProtocol();
                  return p == null ? Errno.P2P_PROTOCOL_NOT_FOUND : fill(m, a[1], utf8(p));
                })));
    out.add(
        errno(
            "getP2PEventFrom",
            2,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  byte[] peer = ev.request.fromPeer();
                  return peer.length == 0 ? Errno.P2P_FROM_NOT_FOUND : fill(m, a[1], peer);
                })));
    out.add(
        errno(
            "getP2PEventTo",
            2,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  byte[] peer = ev.request.toPeer();
                  return peer.length == 0 ? Errno.P2P_TO_NOT_FOUND : fill(m, a[1], peer);
                })));
    out.add(
        errno(
            "writeP2PResponse",
            3,
            on(
                P2PEvent.class,
                (ev, m, a) -> {
                  byte[] b = GuestMemory.read(m, a[1], a[2]);
                  if (b == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  ev.respond(b);
                  return Errno.NONE;
                })));
  }

  // ---- P2P node (§3.10)

  private static void p2pNode(List<HostSpec> out) {
    out.add(
        errno(
            "newCommand",
            5,
            (ctx, m, a) -> {
              String protocol = GuestMemory.readString(m, a[0], a[1]);
              String command = GuestMemory.readString(m, a[2], a[3]);
              if (protocol == null || command == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              if (!ctx.state.openProtocol(protocol)) {
                return Errno.P2P_PROTOCOL_NOT_FOUND;
              }
              int id = ctx.state.addCommand(new HostState.Command(protocol, command));
              return GuestMemory.writeU32(m, a[4], id) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(errno("sendCommand", 4, (ctx, m, a) -> send(ctx, m, a[0], null, a[1], a[2], a[3])));
    out.add(
        errno(
            "sendCommandTo",
            5,
            (ctx, m, a) -> {
              byte[] buf = GuestMemory.read(m, a[1], Cids.BUFFER);
              if (buf == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              byte[] cid = Cids.parsePrefix(buf);
              if (cid == null) {
                return Errno.INVALID_CID;
              }
              return send(ctx, m, a[0], cid, a[2], a[3], a[4]);
            }));
    out.add(
        errno(
            "readCommandResponse",
            3,
            (ctx, m, a) -> {
              HostState.Command c = ctx.state.command(a[0]);
              if (c == null) {
                return Errno.CLIENT_NOT_FOUND;
              }
              byte[] r = c.response();
              if (r == null || a[2] != r.length) {
                return Errno.SIZE_MISMATCH;
              }
              return fill(m, a[1], r);
            }));
    out.add(
        errno(
            "discoverPeersSize",
            4,
            (ctx, m, a) -> {
              P2PNode node = ctx.state.p2p();
              if (node == null) {
                return Errno.P2P_DISCOVER_FAILED;
              }
              List<byte[]> peers;
              try {
                peers =
                    node.discover((int) Math.min(a[0], Integer.MAX_VALUE), Duration.ofNanos(a[1]));
              } catch (P2PNode.P2PException e) {
                return Errno.P2P_DISCOVER_FAILED;
              }
              ByteArrayOutputStream list = new ByteArrayOutputStream();
              for (byte[] p : peers) {
                list.write(p.length & 0xFF);
                list.write((p.length >>> 8) & 0xFF);
                list.write(p, 0, p.length);
              }
              byte[] bytes = list.toByteArray();
              int id = ctx.state.addDiscovery(bytes);
              if (!GuestMemory.writeU32(m, a[2], id)) {
                return Errno.MEMORY_WRITE_FAILED;
              }
              return size(m, a[3], bytes);
            }));
    out.add(
        errno(
            "discoverPeers",
            2,
            (ctx, m, a) -> {
              byte[] bytes = ctx.state.discovery(a[0]);
              return bytes == null ? Errno.NONE : fill(m, a[1], bytes);
            }));
    out.add(
        errno(
            "listenToProtocolSize",
            3,
            (ctx, m, a) -> {
              String protocol = GuestMemory.readString(m, a[0], a[1]);
              if (protocol == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              P2PNode node = ctx.state.p2p();
              if (node == null || !ctx.state.openProtocol(protocol)) {
                return Errno.P2P_PROTOCOL_NOT_FOUND;
              }
              String actual;
              try {
                actual = node.listen(protocol);
              } catch (P2PNode.P2PException e) {
                return Errno.P2P_LISTEN_FAILED;
              }
              ctx.state.listened(actual);
              return size(m, a[2], utf8(actual));
            }));
    out.add(
        errno(
            "listenToProtocol",
            4,
            (ctx, m, a) -> {
              String actual = ctx.state.listened();
              byte[] v = actual == null ? new byte[0] : utf8(actual);
              // quirk kept: a length mismatch answers EOF (§3.10)
              return a[3] != v.length ? Errno.EOF : fill(m, a[2], v);
            }));
  }

  private static int send(
      InvocationContext ctx,
      Memory m,
      long commandId,
      byte[] to,
      long dataPtr,
      long dataLen,
      long sizePtr) {
    HostState.Command c = ctx.state.command(commandId);
    if (c == null) {
      return Errno.CLIENT_NOT_FOUND;
    }
    byte[] data = GuestMemory.read(m, dataPtr, dataLen);
    if (data == null) {
      return Errno.ADDRESS_OUT_OF_MEMORY;
    }
    P2PNode node = ctx.state.p2p();
    if (node == null) {
      return Errno.P2P_SEND_FAILED;
    }
    Map<String, Object> response;
    try {
      response = node.send(c.protocol(), c.name(), data, to);
    } catch (P2PNode.P2PException e) {
      return Errno.P2P_SEND_FAILED;
    }
    if (response == null || !(response.get("data") instanceof byte[] r)) {
      return Errno.MARSHAL_DATA_FAILED;
    }
    c.response(r);
    return size(m, sizePtr, r);
  }
}
