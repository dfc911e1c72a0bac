package io.jtau.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Prints the per-request cost of a hello-world guest (fresh instance + call + response). A
 * measurement, not an assertion: the numbers go into the report; benchmarks belong in JMH.
 */
class OverheadTest {

  @Test
  void measuresHelloWorldPerRequestOverhead() {
    for (ExecutionMode mode : ExecutionMode.values()) {
      try (WasmRuntime rt =
          new WasmRuntime(WasmRuntimeConfig.defaults().withMode(mode).withWorkers(2))) {
        CompiledModule m = Guests.compile(rt, Guests.HELLO);
        Invocation inv = Guests.invocation("call");
        HttpRequest req = Guests.get("/");
        for (int i = 0; i < 3_000; i++) {
          rt.invokeHttp(m, inv, req);
        }
        int n = 5_000;
        long t0 = System.nanoTime();
        HttpResponse last = null;
        for (int i = 0; i < n; i++) {
          last = rt.invokeHttp(m, inv, req);
        }
        double us = (System.nanoTime() - t0) / 1_000.0 / n;
        System.out.printf("[%s] hello-world per request: %.1f us (%d requests)%n", mode, us, n);
        assertThat(last.status()).isEqualTo(201);
      }
    }
  }
}
