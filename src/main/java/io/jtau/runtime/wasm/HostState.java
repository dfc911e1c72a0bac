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

  HostState(InvocationContext ctx) {
    this.ctx = ctx;
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
