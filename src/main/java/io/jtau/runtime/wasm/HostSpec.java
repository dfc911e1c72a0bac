package io.jtau.runtime.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.types.FunctionType;

/**
 * One host function of {@code env} or {@code taubyte/sdk}: its exact wasm signature and its
 * behaviour against an {@link InvocationContext}. Immutable; bound to a context per instance.
 */
record HostSpec(String module, String name, FunctionType type, Impl impl) {

  /** The behaviour; {@code args} are the raw wasm arguments. */
  @FunctionalInterface
  interface Impl {
    long[] call(InvocationContext ctx, Instance instance, long[] args);
  }

  /** A Chicory host function counting against the context's host-call quota. */
  HostFunction bind(InvocationContext ctx) {
    return new HostFunction(
        module,
        name,
        type,
        (instance, args) -> {
          ctx.tick();
          return impl.call(ctx, instance, args);
        });
  }
}
