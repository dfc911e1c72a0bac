package io.jtau.runtime.wasm;

/** A P2P command event (type 3, §3.4). Filled in with the p2p family. */
final class P2PEvent {}
