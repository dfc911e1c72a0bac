package io.jtau.runtime.wasm;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-request overhead of a hello-world guest: a fresh instance, the entry call and the response,
 * in the runtime compiler's mode and the interpreter's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HelloBenchmark {

  @Param({"COMPILED", "INTERPRETED"})
  public String mode;

  private WasmRuntime runtime;
  private CompiledModule module;
  private Invocation invocation;
  private HttpRequest request;

  @Setup(Level.Trial)
  public void start() {
    runtime =
        new WasmRuntime(
            WasmRuntimeConfig.defaults().withMode(ExecutionMode.valueOf(mode)).withWorkers(2));
    module = Guests.compile(runtime, Guests.HELLO);
    invocation = Guests.invocation("call");
    request = Guests.get("/");
  }

  @TearDown(Level.Trial)
  public void stop() {
    runtime.close();
  }

  @Benchmark
  public HttpResponse request() {
    return runtime.invokeHttp(module, invocation, request);
  }
}
