package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.HostCatalog.errno;
import static io.jtau.runtime.wasm.HostCatalog.fill;
import static io.jtau.runtime.wasm.HostCatalog.procedure;
import static io.jtau.runtime.wasm.HostCatalog.size;
import static io.jtau.runtime.wasm.HostCatalog.utf8;

import com.dylibso.chicory.runtime.Memory;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Function;

/**
 * {@code taubyte/sdk} families beyond events: self (§3.12), crypto (§3.13), pubsub publishing
 * (§3.9), database (§3.6), globals (§3.7), memory views (§3.14), fifos (§3.15), and the HTTP client
 * (§3.5, in {@link HttpClientHost}). Stateless; per-instance state lives in {@link HostState}.
 */
final class SdkFamilies {

  private static final SecureRandom RANDOM = new SecureRandom();

  private SdkFamilies() {}

  static void register(List<HostSpec> out) {
    self(out);
    crypto(out);
    pubsub(out);
    database(out);
    globals(out);
    memoryViews(out);
    fifos(out);
    HttpClientHost.register(out);
  }

  // ---- self (§3.12)

  private static void self(List<HostSpec> out) {
    selfPair(out, "selfProject", inv -> utf8(inv.project()));
    selfPair(out, "selfApplication", inv -> utf8(inv.application()));
    selfPair(out, "selfId", inv -> utf8(inv.resourceId()));
    selfPair(out, "selfCommit", inv -> utf8(inv.commit()));
    // quirk kept on purpose: tau always answers this list, whatever the branch (§3.12)
    selfPair(out, "selfBranch", inv -> HostCatalog.stringList(List.of("main", "master")));
  }

  private static void selfPair(List<HostSpec> out, String name, Function<Invocation, byte[]> v) {
    out.add(errno(name + "Size", 1, (ctx, m, a) -> size(m, a[0], v.apply(ctx.invocation))));
    out.add(errno(name, 1, (ctx, m, a) -> fill(m, a[0], v.apply(ctx.invocation))));
  }

  // ---- crypto (§3.13)

  private static void crypto(List<HostSpec> out) {
    out.add(
        errno(
            "cryptoRead",
            3,
            (ctx, m, a) -> {
              if (!GuestMemory.inBounds(m, a[0], a[1])) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              byte[] b = new byte[(int) a[1]];
              RANDOM.nextBytes(b);
              GuestMemory.write(m, a[0], b);
              return GuestMemory.writeU64(m, a[2], b.length)
                  ? Errno.NONE
                  : Errno.MEMORY_WRITE_FAILED;
            }));
  }

  // ---- pubsub publishing (§3.9)

  private static void pubsub(List<HostSpec> out) {
    out.add(
        errno(
            "publishToChannel",
            4,
            (ctx, m, a) -> {
              String channel = GuestMemory.readString(m, a[0], a[1]);
              byte[] data = GuestMemory.read(m, a[2], a[3]);
              if (channel == null || data == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              return ctx.invocation.services().publish(ctx.invocation, channel, data)
                  ? Errno.NONE
                  : Errno.PUBLISH_FAILED;
            }));
    out.add(
        errno(
            "setSubscriptionChannel",
            2,
            (ctx, m, a) -> {
              String channel = GuestMemory.readString(m, a[0], a[1]);
              if (channel == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              return ctx.invocation.services().subscribe(ctx.invocation, channel)
                  ? Errno.NONE
                  : Errno.SUBSCRIBE_FAILED;
            }));
    out.add(
        errno(
            "getWebSocketURLSize",
            3,
            (ctx, m, a) -> webSocket(ctx, m, a, path -> size(m, a[2], utf8(path)))));
    out.add(
        errno(
            "getWebSocketURL",
            3,
            (ctx, m, a) -> webSocket(ctx, m, a, path -> fill(m, a[2], utf8(path)))));
  }

  private static int webSocket(
      InvocationContext ctx, Memory m, long[] a, Function<String, Integer> then) {
    String channel = GuestMemory.readString(m, a[0], a[1]);
    if (channel == null) {
      return Errno.ADDRESS_OUT_OF_MEMORY;
    }
    return ctx.invocation
        .services()
        .webSocketPath(ctx.invocation, channel)
        .map(then)
        .orElse(Errno.GET_WEBSOCKET_URL_FAILED);
  }

  // ---- database (§3.6)

  @FunctionalInterface
  private interface DbOp {
    int apply(KeyValueStore db, Memory m, long[] a) throws KeyValueStore.StoreException;
  }

  private static HostCatalog.ErrnoImpl onDb(DbOp op, int failure) {
    return (ctx, m, a) -> {
      KeyValueStore db = ctx.state.database(a[0]);
      if (db == null) {
        return Errno.DATABASE_NOT_FOUND;
      }
      try {
        return op.apply(db, m, a);
      } catch (KeyValueStore.StoreException e) {
        return failure;
      }
    };
  }

  private static void database(List<HostSpec> out) {
    out.add(
        errno(
            "newDatabase",
            3,
            (ctx, m, a) -> {
              String name = GuestMemory.readString(m, a[0], a[1]);
              if (name == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              KeyValueStore db =
                  ctx.invocation.services().database(ctx.invocation, name).orElse(null);
              if (db == null) {
                return Errno.DATABASE_CREATE_FAILED;
              }
              int id = ctx.state.addDatabase(db);
              return GuestMemory.writeU32(m, a[2], id) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(
        errno(
            "databaseGetSize",
            4,
            onDb(
                (db, m, a) -> {
                  String key = GuestMemory.readString(m, a[1], a[2]);
                  if (key == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  byte[] v = db.get(key);
                  return v == null ? Errno.DATABASE_KEY_NOT_FOUND : size(m, a[3], v);
                },
                Errno.DATABASE_GET_FAILED)));
    out.add(
        errno(
            "databaseGet",
            4,
            onDb(
                (db, m, a) -> {
                  String key = GuestMemory.readString(m, a[1], a[2]);
                  if (key == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  byte[] v = db.get(key);
                  return v == null ? Errno.DATABASE_KEY_NOT_FOUND : fill(m, a[3], v);
                },
                Errno.DATABASE_GET_FAILED)));
    out.add(
        errno(
            "databasePut",
            5,
            onDb(
                (db, m, a) -> {
                  String key = GuestMemory.readString(m, a[1], a[2]);
                  byte[] v = GuestMemory.read(m, a[3], a[4]);
                  if (key == null || v == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  db.put(key, v);
                  return Errno.NONE;
                },
                Errno.DATABASE_PUT_FAILED)));
    out.add(
        errno(
            "databaseDelete",
            3,
            onDb(
                (db, m, a) -> {
                  String key = GuestMemory.readString(m, a[1], a[2]);
                  if (key == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  db.delete(key);
                  return Errno.NONE;
                },
                Errno.DATABASE_DELETE_FAILED)));
    out.add(
        errno(
            "databaseListSize",
            4,
            onDb(
                (db, m, a) -> {
                  String prefix = GuestMemory.readString(m, a[1], a[2]);
                  if (prefix == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  return size(m, a[3], HostCatalog.stringList(db.list(prefix)));
                },
                Errno.DATABASE_LIST_FAILED)));
    out.add(
        errno(
            "databaseList",
            4,
            onDb(
                (db, m, a) -> {
                  String prefix = GuestMemory.readString(m, a[1], a[2]);
                  if (prefix == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  return fill(m, a[3], HostCatalog.stringList(db.list(prefix)));
                },
                Errno.DATABASE_LIST_FAILED)));
    out.add(
        errno(
            "databaseClose",
            1,
            (ctx, m, a) -> {
              KeyValueStore db = ctx.state.removeDatabase(a[0]);
              if (db == null) {
                return Errno.DATABASE_NOT_FOUND;
              }
              db.close();
              return Errno.NONE;
            }));
  }

  // ---- globals (§3.7)

  /** The stored key: the name joined under the scope prefix with Go's {@code path.Join}. */
  static String globalKey(Invocation inv, String name, boolean app, boolean fn) {
    String prefix;
    if (app && fn) {
      prefix = "/" + inv.application() + "/" + inv.resourceId();
    } else if (app) {
      prefix = "/" + inv.application();
    } else if (fn) {
      prefix = "/" + inv.resourceId();
    } else {
      prefix = "/";
    }
    return HttpEvent.cleanPath(name.isEmpty() ? prefix : prefix + "/" + name);
  }

  static String globalPrefix(Invocation inv, boolean app, boolean fn) {
    return globalKey(inv, "", app, fn);
  }

  private static void globals(List<HostSpec> out) {
    out.add(
        errno(
            "getGlobalValueSize",
            5,
            (ctx, m, a) -> {
              String name = GuestMemory.readString(m, a[0], a[1]);
              if (name == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              KeyValueStore g = ctx.state.globals();
              if (g == null) {
                return Errno.DATABASE_CREATE_FAILED;
              }
              boolean app = a[2] == 1;
              boolean fn = a[3] == 1;
              String key = globalKey(ctx.invocation, name, app, fn);
              try {
                if (!g.list(globalPrefix(ctx.invocation, app, fn)).contains(key)) {
                  return Errno.DATABASE_KEY_NOT_FOUND;
                }
              } catch (KeyValueStore.StoreException e) {
                return Errno.DATABASE_LIST_FAILED;
              }
              try {
                byte[] v = g.get(key);
                return v == null ? Errno.DATABASE_GET_FAILED : size(m, a[4], v);
              } catch (KeyValueStore.StoreException e) {
                return Errno.DATABASE_GET_FAILED;
              }
            }));
    out.add(
        errno(
            "getGlobalValue",
            5,
            (ctx, m, a) -> {
              String name = GuestMemory.readString(m, a[0], a[1]);
              if (name == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              KeyValueStore g = ctx.state.globals();
              if (g == null) {
                return Errno.DATABASE_CREATE_FAILED;
              }
              try {
                byte[] v = g.get(globalKey(ctx.invocation, name, a[2] == 1, a[3] == 1));
                return v == null ? Errno.DATABASE_GET_FAILED : fill(m, a[4], v);
              } catch (KeyValueStore.StoreException e) {
                return Errno.DATABASE_GET_FAILED;
              }
            }));
    out.add(
        errno(
            "putGlobalValue",
            7,
            (ctx, m, a) -> {
              String name = GuestMemory.readString(m, a[0], a[1]);
              byte[] v = GuestMemory.read(m, a[4], a[5]);
              if (name == null || v == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              KeyValueStore g = ctx.state.globals();
              if (g == null) {
                return Errno.DATABASE_CREATE_FAILED;
              }
              try {
                g.put(globalKey(ctx.invocation, name, a[2] == 1, a[3] == 1), v);
                return Errno.NONE;
              } catch (KeyValueStore.StoreException e) {
                return Errno.DATABASE_KEY_NOT_FOUND; // sic, §3.7
              }
            }));
    out.add(
        errno(
            "getOrCreateGlobalValueSize",
            5,
            (ctx, m, a) -> {
              String name = GuestMemory.readString(m, a[0], a[1]);
              if (name == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              KeyValueStore g = ctx.state.globals();
              if (g == null) {
                return Errno.DATABASE_CREATE_FAILED;
              }
              boolean app = a[2] == 1;
              boolean fn = a[3] == 1;
              String key = globalKey(ctx.invocation, name, app, fn);
              try {
                if (!g.list(globalPrefix(ctx.invocation, app, fn)).contains(key)) {
                  try {
                    g.put(key, new byte[0]);
                  } catch (KeyValueStore.StoreException e) {
                    return Errno.DATABASE_PUT_FAILED;
                  }
                  return Errno.NONE; // size deliberately not written (§3.7)
                }
                byte[] v = g.get(key);
                return v == null ? Errno.DATABASE_KEY_NOT_FOUND : size(m, a[4], v);
              } catch (KeyValueStore.StoreException e) {
                return Errno.DATABASE_KEY_NOT_FOUND;
              }
            }));
  }

  // ---- memory views (§3.14)

  private static void memoryViews(List<HostSpec> out) {
    out.add(
        errno(
            "memoryViewNew",
            4,
            (ctx, m, a) -> {
              if (a[2] != 0 && a[2] != 1) {
                return Errno.INVALID_BOOL;
              }
              int id = ctx.state.addView(new HostState.MemoryView(m, a[0], a[1], a[2] == 1));
              return GuestMemory.writeU32(m, a[3], id) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(
        errno(
            "memoryViewOpen",
            3,
            (ctx, m, a) -> {
              HostState.MemoryView v = ctx.state.view(a[0]);
              if (v == null) {
                return Errno.MEMORY_VIEW_NOT_FOUND;
              }
              if (!GuestMemory.writeU32(m, a[2], v.size())
                  || !GuestMemory.writeU32(m, a[1], v.closable() ? 1 : 0)) {
                return Errno.MEMORY_WRITE_FAILED;
              }
              return Errno.NONE;
            }));
    out.add(
        errno(
            "memoryViewRead",
            5,
            (ctx, m, a) -> {
              HostState.MemoryView v = ctx.state.view(a[0]);
              if (v == null) {
                return Errno.MEMORY_VIEW_NOT_FOUND;
              }
              if (a[1] >= v.size()) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              byte[] region = GuestMemory.read(v.memory(), v.ptr(), v.size());
              if (region == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              int n = (int) Math.min(a[2], v.size() - a[1]);
              byte[] part = java.util.Arrays.copyOfRange(region, (int) a[1], (int) a[1] + n);
              if (!GuestMemory.write(m, a[3], part)) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              return GuestMemory.writeU32(m, a[4], n) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(procedure("memoryViewClose", 1, (ctx, m, a) -> ctx.state.removeView(a[0])));
  }

  // ---- fifos (§3.15)

  private static void fifos(List<HostSpec> out) {
    out.add(
        new HostSpec(
            HostCatalog.SDK,
            "fifoNew",
            HostCatalog.i32s(1, true),
            (ctx, inst, args) -> new long[] {ctx.state.addFifo((args[0] & 0xFFFF_FFFFL) == 1)}));
    out.add(
        errno(
            "fifoPush",
            2,
            (ctx, m, a) -> {
              HostState.Fifo f = ctx.state.fifo(a[0]);
              if (f == null) {
                return Errno.FIFO_NOT_FOUND;
              }
              synchronized (f) {
                f.bytes.addLast((byte) a[1]);
              }
              return Errno.NONE;
            }));
    out.add(
        errno(
            "fifoPop",
            2,
            (ctx, m, a) -> {
              HostState.Fifo f = ctx.state.fifo(a[0]);
              if (f == null) {
                return Errno.FIFO_NOT_FOUND;
              }
              Byte b;
              synchronized (f) {
                b = f.bytes.pollFirst();
              }
              if (b == null) {
                return Errno.EOF;
              }
              return GuestMemory.write(m, a[1], new byte[] {b})
                  ? Errno.NONE
                  : Errno.ADDRESS_OUT_OF_MEMORY;
            }));
    out.add(
        errno(
            "fifoIsCloser",
            2,
            (ctx, m, a) -> {
              HostState.Fifo f = ctx.state.fifo(a[0]);
              if (f == null) {
                return Errno.FIFO_NOT_FOUND;
              }
              return GuestMemory.writeU32(m, a[1], f.closable ? 1 : 0)
                  ? Errno.NONE
                  : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(procedure("fifoClose", 1, (ctx, m, a) -> ctx.state.removeFifo(a[0])));
  }
}
