package io.jtau.runtime.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import io.jtau.model.Cid;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A parsed, validated and compiled module (wasm, or a JavaScript function whose artifact starts
 * with {@code // jtau-js 1}), ready to be instantiated many times. Immutable and thread-safe;
 * obtained from {@link WasmRuntime#compile} and only usable with the runtime that made it.
 */
public final class CompiledModule {

  private final Cid cid;
  private final WasmModule module;
  private final Function<Instance, Machine> machineFactory;
  private final int initialPages;
  private final List<FunctionImport> functionImports;
  private final Set<String> exports;
  private final Set<String> libraryImports;
  private final boolean importsReady;
  private final int sizeBytes;
  private final JsEngine js;

  CompiledModule(
      Cid cid,
      WasmModule module,
      Function<Instance, Machine> machineFactory,
      int initialPages,
      List<FunctionImport> functionImports,
      Set<String> exports,
      Set<String> libraryImports,
      boolean importsReady,
      int sizeBytes) {
    this.cid = cid;
    this.module = module;
    this.machineFactory = machineFactory;
    this.initialPages = initialPages;
    this.functionImports = List.copyOf(functionImports);
    this.exports = Set.copyOf(exports);
    this.libraryImports = Set.copyOf(libraryImports);
    this.importsReady = importsReady;
    this.sizeBytes = sizeBytes;
    this.js = null;
  }

  /** A JavaScript function (see {@link JsEngine}). */
  CompiledModule(Cid cid, JsEngine js, int sizeBytes) {
    this.cid = cid;
    this.module = null;
    this.machineFactory = null;
    this.initialPages = 0;
    this.functionImports = List.of();
    this.exports = Set.of();
    this.libraryImports = Set.of();
    this.importsReady = false;
    this.sizeBytes = sizeBytes;
    this.js = js;
  }

  /** True when this is a JavaScript function rather than a wasm module. */
  public boolean isJavaScript() {
    return js != null;
  }

  JsEngine js() {
    return js;
  }

  /** The content id the module was compiled for. */
  public Cid cid() {
    return cid;
  }

  /** Names of the module's exports (empty for JavaScript, whose functions are found per call). */
  public Set<String> exports() {
    return exports;
  }

  /** Names of other wasm modules this one imports from (libraries, §4.2). */
  public Set<String> libraryImports() {
    return libraryImports;
  }

  /** Initial pages of the module's own memory (0 without one). */
  public int initialPages() {
    return initialPages;
  }

  /** Size of the wasm binary in bytes. */
  public int sizeBytes() {
    return sizeBytes;
  }

  WasmModule module() {
    return module;
  }

  Function<Instance, Machine> machineFactory() {
    return machineFactory;
  }

  List<FunctionImport> functionImports() {
    return functionImports;
  }

  boolean importsReady() {
    return importsReady;
  }

  @Override
  public String toString() {
    return "CompiledModule[" + cid + ", " + sizeBytes + " bytes]";
  }
}
