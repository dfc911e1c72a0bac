/**
 * The Chicory host for {@code taubyte/sdk} guests: modules compiled once per CID ({@link
 * io.jtau.runtime.wasm.WasmRuntime#compile}), a fresh instance per invocation ({@link
 * io.jtau.runtime.wasm.WasmRuntime#invokeHttp}) with WASI, {@code env} and {@code taubyte/sdk} host
 * modules, a per-function memory cap, a deadline, a host-call quota and a node-wide memory budget.
 * Depends only on {@code io.jtau.model}, {@code io.jtau.port}, the JDK and Chicory.
 */
package io.jtau.runtime.wasm;
