package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.HostCatalog.errno;
import static io.jtau.runtime.wasm.HostCatalog.fill;
import static io.jtau.runtime.wasm.HostCatalog.size;
import static io.jtau.runtime.wasm.HostCatalog.utf8;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Module {@code env} (§3.1) and the event functions of {@code taubyte/sdk} (§3.2). */
final class EventHost {

  static final int EVENT_HTTP = 1;
  static final int EVENT_PUBSUB = 2;
  static final int EVENT_P2P = 3;

  private EventHost() {}

  /** Result of looking up an HTTP event: the event, or the errno to return. */
  private static Object http(InvocationContext ctx, long id) {
    Object ev = ctx.event(id);
    if (ev == null) {
      return Errno.EVENT_NOT_FOUND;
    }
    // tau traps here (§1.7); returning 4 is the latitude the spec allows.
    return ev instanceof HttpEvent ? ev : Errno.NIL_ADDRESS;
  }

  @FunctionalInterface
  private interface HttpImpl {
    int call(HttpEvent ev, Memory mem, long[] a);
  }

  private static HostCatalog.ErrnoImpl onHttp(HttpImpl f) {
    return (ctx, mem, a) -> {
      Object ev = http(ctx, a[0]);
      return ev instanceof HttpEvent h ? f.call(h, mem, a) : (Integer) ev;
    };
  }

  static int eventType(Object ev) {
    if (ev instanceof HttpEvent) {
      return EVENT_HTTP;
    }
    if (ev instanceof PubSubEvent) {
      return EVENT_PUBSUB;
    }
    if (ev instanceof P2PEvent) {
      return EVENT_P2P;
    }
    return 0;
  }

  static void register(List<HostSpec> out) {
    // env
    out.add(
        new HostSpec(
            HostCatalog.ENV,
            "_ready",
            FunctionType.empty(),
            (ctx, inst, a) -> {
              ctx.ready.countDown();
              return null;
            }));
    out.add(
        new HostSpec(
            HostCatalog.ENV,
            "_sleep",
            FunctionType.of(List.of(ValType.I64), List.of()),
            (ctx, inst, a) -> {
              sleep(ctx, a[0]);
              return null;
            }));
    out.add(
        new HostSpec(
            HostCatalog.ENV,
            "_log",
            HostCatalog.i32s(2, false),
            (ctx, inst, a) -> {
              long[] u = HostCatalog.unsigned(a);
              byte[] b = GuestMemory.read(HostCatalog.memoryOf(inst), u[0], u[1]);
              ctx.log.line(b == null ? new byte[0] : b);
              return null;
            }));

    out.add(
        HostCatalog.procedure(
            "getEventType",
            2,
            (ctx, mem, a) -> {
              Object ev = ctx.event(a[0]);
              if (ev != null) {
                GuestMemory.writeU32(mem, a[1], eventType(ev));
              }
            }));

    out.add(
        errno(
            "getHttpEventMethodSize",
            2,
            onHttp((ev, m, a) -> size(m, a[1], utf8(ev.request().method())))));
    out.add(
        errno(
            "getHttpEventMethod",
            3,
            onHttp(
                (ev, m, a) -> {
                  byte[] v = utf8(ev.request().method());
                  return a[2] != v.length ? Errno.BUFFER_TOO_SMALL : fill(m, a[1], v);
                })));
    out.add(
        errno(
            "getHttpEventHostSize",
            2,
            onHttp((ev, m, a) -> size(m, a[1], utf8(ev.request().host())))));
    out.add(
        errno(
            "getHttpEventHost", 3, onHttp((ev, m, a) -> fill(m, a[1], utf8(ev.request().host())))));
    out.add(
        errno(
            "getHttpEventPathSize",
            2,
            onHttp((ev, m, a) -> size(m, a[1], utf8(ev.request().path())))));
    out.add(
        errno(
            "getHttpEventPath", 3, onHttp((ev, m, a) -> fill(m, a[1], utf8(ev.request().path())))));
    out.add(
        errno(
            "getHttpEventUserAgentSize",
            2,
            onHttp((ev, m, a) -> size(m, a[1], utf8(ev.header("User-Agent"))))));
    out.add(
        errno(
            "getHttpEventUserAgent",
            3,
            onHttp((ev, m, a) -> fill(m, a[1], utf8(ev.header("User-Agent"))))));
    out.add(
        errno(
            "getHttpEventHeadersSize",
            4,
            onHttp(
                (ev, m, a) -> {
                  String key = GuestMemory.readString(m, a[2], a[3]);
                  return key == null
                      ? Errno.ADDRESS_OUT_OF_MEMORY
                      : size(m, a[1], utf8(ev.header(key)));
                })));
    out.add(
        errno(
            "getHttpEventHeaders",
            5,
            onHttp(
                (ev, m, a) -> {
                  String key = GuestMemory.readString(m, a[1], a[2]);
                  return key == null
                      ? Errno.ADDRESS_OUT_OF_MEMORY
                      : fill(m, a[3], utf8(ev.header(key)));
                })));
    for (String prefix :
        new String[] {"getHttpEventRequestHeaderKeys", "getHttpEventHeaderVarNameById"}) {
      // The second name is the go-sdk v0.3.9 binding for the same list (§3.16), offered as alias.
      out.add(
          errno(
              prefix + "Size",
              2,
              onHttp((ev, m, a) -> size(m, a[1], HostCatalog.stringList(ev.headerKeys())))));
    }
    out.add(
        errno(
            "getHttpEventRequestHeaderKeys",
            3,
            onHttp((ev, m, a) -> fill(m, a[1], HostCatalog.stringList(ev.headerKeys())))));
    out.add(
        errno(
            "getHttpEventHeaderVarNameById",
            2,
            onHttp((ev, m, a) -> fill(m, a[1], HostCatalog.stringList(ev.headerKeys())))));
    out.add(
        errno(
            "getHttpEventQueryValueByNameSize",
            4,
            onHttp(
                (ev, m, a) -> {
                  String key = GuestMemory.readString(m, a[2], a[3]);
                  return key == null
                      ? Errno.ADDRESS_OUT_OF_MEMORY
                      : size(m, a[1], utf8(ev.queryValue(key)));
                })));
    out.add(
        errno(
            "getHttpEventQueryValueByName",
            5,
            onHttp(
                (ev, m, a) -> {
                  String key = GuestMemory.readString(m, a[1], a[2]);
                  return key == null
                      ? Errno.ADDRESS_OUT_OF_MEMORY
                      : fill(m, a[3], utf8(ev.queryValue(key)));
                })));
    out.add(
        errno(
            "getHttpEventRequestQueryKeysSize",
            2,
            onHttp((ev, m, a) -> size(m, a[1], HostCatalog.stringList(ev.queryKeys())))));
    out.add(
        errno(
            "getHttpEventRequestQueryKeys",
            2,
            onHttp((ev, m, a) -> fill(m, a[1], HostCatalog.stringList(ev.queryKeys())))));
    out.add(
        errno(
            "readHttpEventBody",
            4,
            onHttp(
                (ev, m, a) -> {
                  if (!GuestMemory.inBounds(m, a[1], a[2])) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  byte[] chunk;
                  try {
                    chunk = ev.readBody((int) Math.min(a[2], Integer.MAX_VALUE));
                  } catch (IllegalStateException closed) {
                    GuestMemory.writeU32(m, a[3], 0);
                    return Errno.HTTP_READ_BODY;
                  }
                  if (chunk == null) {
                    return GuestMemory.writeU32(m, a[3], 0)
                        ? Errno.EOF
                        : Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  GuestMemory.write(m, a[1], chunk);
                  return GuestMemory.writeU32(m, a[3], chunk.length)
                      ? Errno.NONE
                      : Errno.ADDRESS_OUT_OF_MEMORY;
                })));
    out.add(
        errno(
            "closeHttpEventBody",
            1,
            onHttp(
                (ev, m, a) -> {
                  ev.closeBody();
                  return Errno.NONE;
                })));
    out.add(
        errno(
            "eventHttpWrite",
            4,
            onHttp(
                (ev, m, a) -> {
                  byte[] data = GuestMemory.read(m, a[1], a[2]);
                  if (data == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  int r = ev.write(data);
                  long n = r == Errno.NONE ? data.length : 0;
                  if (!GuestMemory.writeU32(m, a[3], n)) {
                    return r == Errno.NONE ? Errno.MEMORY_WRITE_FAILED : r;
                  }
                  return r;
                })));
    out.add(
        errno(
            "eventHttpFlush",
            1,
            onHttp(
                (ev, m, a) -> {
                  ev.flush();
                  return Errno.NONE;
                })));
    out.add(
        errno(
            "eventHttpRetCode",
            2,
            (ctx, m, a) -> {
              int code = (int) a[1];
              if (a[1] < 100 || a[1] > 999) {
                return Errno.HTTP_WRITE;
              }
              Object ev = http(ctx, a[0]);
              if (!(ev instanceof HttpEvent h)) {
                return (Integer) ev;
              }
              h.status(code);
              return Errno.NONE;
            }));
    out.add(
        errno(
            "eventHttpHeaderAdd",
            5,
            onHttp(
                (ev, m, a) -> {
                  String k = GuestMemory.readString(m, a[1], a[2]);
                  String v = GuestMemory.readString(m, a[3], a[4]);
                  if (k == null || v == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  ev.addHeader(k, v);
                  return Errno.NONE;
                })));
    out.add(
        errno(
            "eventHttpRedirect",
            4,
            (ctx, m, a) -> {
              if (a[3] < 100 || a[3] > 999) {
                return Errno.HTTP_WRITE;
              }
              String url = GuestMemory.readString(m, a[1], a[2]);
              if (url == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              Object ev = http(ctx, a[0]);
              if (!(ev instanceof HttpEvent h)) {
                return (Integer) ev;
              }
              h.redirect(url, (int) a[3]);
              return Errno.NONE;
            }));
  }

  /** Sleeps until {@code ns} passed, the deadline is reached or the thread is interrupted. */
  static void sleep(InvocationContext ctx, long ns) {
    long end = System.nanoTime() + Math.max(0, Math.min(ns, ctx.remainingNanos()));
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return;
      }
      LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
    }
  }
}
