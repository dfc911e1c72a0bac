package io.jtau.runtime.wasm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host-side state of one VM instance serving one invocation: the invocation's identity and
 * limits, the event table and the handle tables of §1.5, the guest log and the host-call quota.
 * Shared by the entry module and its libraries. Used by the worker thread (and a command module's
 * {@code _start} thread), hence synchronized where tables are touched.
 */
final class InvocationContext {

  final Invocation invocation;
  final WasmRuntimeConfig config;
  final BoundedLog log;
  final long deadlineNanos;
  final CountDownLatch ready = new CountDownLatch(1);
  final HostState state;
  final GuestDns.Factory dns;
  private final List<Object> events = new ArrayList<>();
  private final AtomicLong hostCalls = new AtomicLong();

  private final java.util.function.Supplier<java.net.http.HttpClient> httpClient;

  InvocationContext(
      Invocation invocation,
      WasmRuntimeConfig config,
      long deadlineNanos,
      java.util.function.Supplier<java.net.http.HttpClient> httpClient,
      GuestDns.Factory dns) {
    this.httpClient = httpClient;
    this.dns = dns;
    this.invocation = invocation;
    this.config = config;
    this.log = new BoundedLog(config.maxLogBytes());
    this.deadlineNanos = deadlineNanos;
    this.state = new HostState(this);
  }

  /** Registers an event and returns its id (the first is 0). */
  synchronized int addEvent(Object event) {
    events.add(event);
    return events.size() - 1;
  }

  /** The event with that id, or null. */
  synchronized Object event(long id) {
    return id >= 0 && id < events.size() ? events.get((int) id) : null;
  }

  /** Counts one host call; aborts the invocation when the quota is spent. */
  void tick() {
    if (hostCalls.incrementAndGet() > config.maxHostCalls()) {
      throw new GuestAbort(500, "host call quota exceeded (" + config.maxHostCalls() + ")");
    }
  }

  long hostCalls() {
    return hostCalls.get();
  }

  /** The runtime's shared JDK HTTP client, created on first use. */
  java.net.http.HttpClient httpClient() {
    return httpClient.get();
  }

  long remainingNanos() {
    return deadlineNanos - System.nanoTime();
  }
}
