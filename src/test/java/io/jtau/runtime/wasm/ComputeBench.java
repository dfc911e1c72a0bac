package io.jtau.runtime.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Java half of {@code bench/compute-vs-node.sh}: runs the exports {@code fib} and {@code bytes}
 * of a wasm file on Chicory's runtime compiler and prints {@code name ms result} per workload (best
 * of the repetitions after one warm-up), like {@code bench/compute/node-bench.mjs}. A benchmark,
 * not a test.
 */
public final class ComputeBench {

  private ComputeBench() {}

  public static void main(String[] args) throws Exception {
    WasmModule module = Parser.parse(Files.readAllBytes(Path.of(args[0])));
    int fibN = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int reps = Integer.parseInt(args[3]);
    Instance instance =
        Instance.builder(module)
            .withMachineFactory(MachineFactoryCompiler.builder(module).compile())
            .build();
    run("fib", instance.export("fib"), fibN, reps);
    run("bytes", instance.export("bytes"), rounds, reps);
  }

  private static void run(String name, ExportFunction f, int arg, int reps) {
    long result = f.apply(arg)[0]; // warm-up
    double best = Double.MAX_VALUE;
    for (int i = 0; i < reps; i++) {
      long t = System.nanoTime();
      result = f.apply(arg)[0];
      best = Math.min(best, (System.nanoTime() - t) / 1e6);
    }
    System.out.printf("%s %.2f %d%n", name, best, result & 0xFFFF_FFFFL);
  }
}
