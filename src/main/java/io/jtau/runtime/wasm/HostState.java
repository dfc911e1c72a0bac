package io.jtau.runtime.wasm;

/**
 * Handle tables of one instance (§1.5): http clients, databases, storages, contents, resolvers, p2p
 * commands, memory views and fifos, with counters that only increase. Filled in by the host
 * families that need them.
 */
final class HostState {

  final InvocationContext ctx;

  HostState(InvocationContext ctx) {
    this.ctx = ctx;
  }
}
