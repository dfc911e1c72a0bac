package io.jtau.runtime.wasm;

import com.dylibso.chicory.runtime.Memory;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Handle tables of one instance (§1.5), with counters that only increase. Shared by the entry
 * module and its libraries; synchronized because a command module's {@code _start} thread may call
 * in concurrently with the entry call.
 */
final class HostState {

  final InvocationContext ctx;

  private final Map<Integer, KeyValueStore> databases = new HashMap<>();
  private int nextDatabase;
  private KeyValueStore globals;
  private boolean globalsOpened;

  final Map<Integer, HttpClientHost.Client> httpClients = new HashMap<>();
  int nextHttpClient;

  private final Map<Integer, MemoryView> views = new HashMap<>();
  private int nextView = 1;
  private final Map<Integer, Fifo> fifos = new HashMap<>();
  private int nextFifo = 1;

  private final Map<Integer, Command> commands = new HashMap<>();
  private int nextCommand;
  private final Map<Integer, byte[]> discoveries = new HashMap<>();
  private int nextDiscovery;
  private final java.util.Set<String> openProtocols = new java.util.HashSet<>();
  private String listened;
  private P2PNode p2p;
  private boolean p2pOpened;

  HostState(InvocationContext ctx) {
    this.ctx = ctx;
  }

  private final Map<String, KeyValueStore> databasesByName = new HashMap<>();
  private final Map<String, FileStorage> storagesByName = new HashMap<>();

  /** A database opened once per name for this instance (JavaScript API). */
  synchronized java.util.Optional<KeyValueStore> openDatabaseByName(String name) {
    KeyValueStore db = databasesByName.get(name);
    if (db == null) {
      db = ctx.invocation.services().database(ctx.invocation, name).orElse(null);
      if (db != null) {
        databasesByName.put(name, db);
      }
    }
    return java.util.Optional.ofNullable(db);
  }

  /** A storage opened once per name for this instance (JavaScript API). */
  synchronized java.util.Optional<FileStorage> openStorageByName(String name, boolean create) {
    FileStorage st = storagesByName.get(name);
    if (st == null) {
      st = ctx.invocation.services().storage(ctx.invocation, name, create).orElse(null);
      if (st != null) {
        storagesByName.put(name, st);
      }
    }
    return java.util.Optional.ofNullable(st);
  }

  private final Map<Integer, FileStorage> storages = new HashMap<>();
  private int nextStorage;
  private final Map<Integer, Map<Integer, Scratch>> storageFiles = new HashMap<>();
  private final Map<Integer, Integer> nextFd = new HashMap<>();
  private final Map<Integer, Scratch> contents = new HashMap<>();
  private int nextContent;
  private final Map<String, String> currentVersions = new HashMap<>();

  /**
   * A readable, writable, seekable byte buffer: an opened storage file or a scratch content. The
   * CID it was opened from, if any, is what {@code contentFileCid} reports.
   */
  static final class Scratch {
    final byte[] openedFrom;
    private byte[] data = new byte[0];
    private int length;
    private int pos;

    Scratch(byte[] openedFrom) {
      this.openedFrom = openedFrom;
    }

    synchronized void reset(byte[] bytes) {
      data = bytes.clone();
      length = bytes.length;
      pos = 0;
    }

    synchronized void seekEnd() {
      pos = length;
    }

    /** Up to {@code max} bytes from the position; empty at the end. */
    synchronized byte[] read(int max) {
      int n = Math.max(0, Math.min(max, length - pos));
      byte[] out = java.util.Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return out;
    }

    /** Writes at the position, growing as needed; false past {@code limit} bytes. */
    synchronized boolean write(byte[] b, int limit) {
      long end = (long) pos + b.length;
      if (end > limit) {
        return false;
      }
      if (end > data.length) {
        data =
            java.util.Arrays.copyOf(data, (int) Math.max(end, Math.min(limit, data.length * 2L)));
      }
      System.arraycopy(b, 0, data, pos, b.length);
      pos = (int) end;
      length = Math.max(length, pos);
      return true;
    }

    /** Moves the position (whence 0 start, 1 current, 2 end); -1 when the result is invalid. */
    synchronized long seek(long offset, int whence) {
      long base = whence == 0 ? 0 : whence == 1 ? pos : length;
      long target = base + offset;
      if (target < 0 || target > Integer.MAX_VALUE) {
        return -1;
      }
      if (target > data.length) {
        data = java.util.Arrays.copyOf(data, (int) target);
      }
      pos = (int) target;
      return target;
    }

    synchronized byte[] all() {
      byte[] out = java.util.Arrays.copyOf(data, length);
      pos = length;
      return out;
    }
  }

  synchronized int addStorage(FileStorage st) {
    storages.put(nextStorage, st);
    return nextStorage++;
  }

  synchronized FileStorage storage(long id) {
    return storages.get((int) id);
  }

  /** Allocates the next fd of that storage handle (ids per storage, from 0). */
  synchronized int addFile(long storageId, Scratch file) {
    int sid = (int) storageId;
    int fd = nextFd.getOrDefault(sid, 0);
    nextFd.put(sid, fd + 1);
    storageFiles.computeIfAbsent(sid, k -> new HashMap<>()).put(fd, file);
    return fd;
  }

  synchronized Scratch file(long storageId, long fd) {
    Map<Integer, Scratch> files = storageFiles.get((int) storageId);
    return files == null ? null : files.get((int) fd);
  }

  synchronized Scratch removeFile(long storageId, long fd) {
    Map<Integer, Scratch> files = storageFiles.get((int) storageId);
    return files == null ? null : files.remove((int) fd);
  }

  synchronized int addContent(Scratch c) {
    contents.put(nextContent, c);
    return nextContent++;
  }

  synchronized Scratch content(long id) {
    return contents.get((int) id);
  }

  synchronized Scratch removeContent(long id) {
    return contents.remove((int) id);
  }

  synchronized void currentVersion(String file, String version) {
    currentVersions.put(file, version);
  }

  synchronized String currentVersion(String file) {
    return currentVersions.get(file);
  }

  private final Map<Integer, DnsHost.Resolver> resolvers = new HashMap<>();
  private int nextResolver;

  synchronized int addResolver(DnsHost.Resolver r) {
    resolvers.put(nextResolver, r);
    return nextResolver++;
  }

  synchronized DnsHost.Resolver resolver(long id) {
    return resolvers.get((int) id);
  }

  synchronized int addDatabase(KeyValueStore store) {
    databases.put(nextDatabase, store);
    return nextDatabase++;
  }

  synchronized KeyValueStore database(long id) {
    return databases.get((int) id);
  }

  synchronized KeyValueStore removeDatabase(long id) {
    return databases.remove((int) id);
  }

  /** The global store, opened once per instance; null when the services have none. */
  synchronized KeyValueStore globals() {
    if (!globalsOpened) {
      globalsOpened = true;
      globals = ctx.invocation.services().globals(ctx.invocation).orElse(null);
    }
    return globals;
  }

  /** The node's p2p side, asked for once per instance; null when the services have none. */
  synchronized P2PNode p2p() {
    if (!p2pOpened) {
      p2pOpened = true;
      p2p = ctx.invocation.services().p2p(ctx.invocation).orElse(null);
    }
    return p2p;
  }

  /** Opens a protocol stream once per instance (§3.10); false when it cannot be opened. */
  synchronized boolean openProtocol(String protocol) {
    if (openProtocols.contains(protocol)) {
      return true;
    }
    P2PNode node = p2p();
    if (node == null || !node.open(protocol)) {
      return false;
    }
    openProtocols.add(protocol);
    return true;
  }

  /** A p2p command and the response of its last send. */
  static final class Command {
    private final String protocol;
    private final String name;
    private byte[] response;

    Command(String protocol, String name) {
      this.protocol = protocol;
      this.name = name;
    }

    String protocol() {
      return protocol;
    }

    String name() {
      return name;
    }

    synchronized byte[] response() {
      return response;
    }

    synchronized void response(byte[] r) {
      response = r;
    }
  }

  synchronized int addCommand(Command c) {
    commands.put(nextCommand, c);
    return nextCommand++;
  }

  synchronized Command command(long id) {
    return commands.get((int) id);
  }

  synchronized int addDiscovery(byte[] list) {
    discoveries.put(nextDiscovery, list);
    return nextDiscovery++;
  }

  synchronized byte[] discovery(long id) {
    return discoveries.get((int) id);
  }

  synchronized void listened(String protocol) {
    listened = protocol;
  }

  synchronized String listened() {
    return listened;
  }

  record MemoryView(Memory memory, long ptr, long size, boolean closable) {}

  synchronized int addView(MemoryView v) {
    views.put(nextView, v);
    return nextView++;
  }

  synchronized MemoryView view(long id) {
    return views.get((int) id);
  }

  synchronized void removeView(long id) {
    views.remove((int) id);
  }

  static final class Fifo {
    final boolean closable;
    final ArrayDeque<Byte> bytes = new ArrayDeque<>();

    Fifo(boolean closable) {
      this.closable = closable;
    }
  }

  synchronized int addFifo(boolean closable) {
    fifos.put(nextFifo, new Fifo(closable));
    return nextFifo++;
  }

  synchronized Fifo fifo(long id) {
    return fifos.get((int) id);
  }

  synchronized void removeFifo(long id) {
    fifos.remove((int) id);
  }
}
