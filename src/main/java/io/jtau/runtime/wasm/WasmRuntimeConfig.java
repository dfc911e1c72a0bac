package io.jtau.runtime.wasm;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Node-wide settings of a {@link WasmRuntime}. Immutable.
 *
 * @param memoryBudgetBytes guest memory all running instances may hold together; a request that
 *     would exceed it is answered 503, a {@code memory.grow} that would exceed it fails (-1)
 * @param workers number of guest worker threads (concurrent invocations)
 * @param queueCapacity invocations that may wait for a worker before being refused with 503
 * @param cacheDir directory for compiled-module classes reused across restarts, or null
 * @param egress who guests may connect to
 * @param mode compiled (default) or interpreted execution
 * @param maxHostCalls host calls one invocation may make before it is aborted
 * @param maxLogBytes bytes of guest output kept per invocation
 * @param maxResponseBytes response body bytes a guest may write
 * @param maxModuleBytes largest wasm binary accepted by {@link WasmRuntime#compile}
 * @param threadStackBytes stack size of worker threads (bounds guest recursion depth)
 */
public record WasmRuntimeConfig(
    long memoryBudgetBytes,
    int workers,
    int queueCapacity,
    Path cacheDir,
    EgressPolicy egress,
    ExecutionMode mode,
    long maxHostCalls,
    int maxLogBytes,
    int maxResponseBytes,
    int maxModuleBytes,
    long threadStackBytes) {

  public WasmRuntimeConfig {
    if (memoryBudgetBytes < 65536) {
      throw new IllegalArgumentException("memoryBudgetBytes must hold at least one page");
    }
    if (workers < 1 || queueCapacity < 0) {
      throw new IllegalArgumentException("workers >= 1 and queueCapacity >= 0 required");
    }
    Objects.requireNonNull(egress, "egress");
    Objects.requireNonNull(mode, "mode");
    if (maxHostCalls < 1 || maxLogBytes < 0 || maxResponseBytes < 0 || maxModuleBytes < 8) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (threadStackBytes < 256 * 1024) {
      throw new IllegalArgumentException("threadStackBytes < 256 KiB");
    }
  }

  /** 1 GiB budget, 2 workers per core, no disk cache, public egress only, compiled. */
  public static WasmRuntimeConfig defaults() {
    return new WasmRuntimeConfig(
        1L << 30,
        Math.max(2, 2 * Runtime.getRuntime().availableProcessors()),
        256,
        null,
        EgressPolicy.publicOnly(),
        ExecutionMode.COMPILED,
        10_000_000L,
        64 * 1024,
        32 * 1024 * 1024,
        64 * 1024 * 1024,
        8L * 1024 * 1024);
  }

  public WasmRuntimeConfig withMemoryBudgetBytes(long v) {
    return new WasmRuntimeConfig(
        v,
        workers,
        queueCapacity,
        cacheDir,
        egress,
        mode,
        maxHostCalls,
        maxLogBytes,
        maxResponseBytes,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withWorkers(int v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        v,
        queueCapacity,
        cacheDir,
        egress,
        mode,
        maxHostCalls,
        maxLogBytes,
        maxResponseBytes,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withQueueCapacity(int v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        v,
        cacheDir,
        egress,
        mode,
        maxHostCalls,
        maxLogBytes,
        maxResponseBytes,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withCacheDir(Path v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        queueCapacity,
        v,
        egress,
        mode,
        maxHostCalls,
        maxLogBytes,
        maxResponseBytes,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withEgress(EgressPolicy v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        queueCapacity,
        cacheDir,
        v,
        mode,
        maxHostCalls,
        maxLogBytes,
        maxResponseBytes,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withMode(ExecutionMode v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        queueCapacity,
        cacheDir,
        egress,
        v,
        maxHostCalls,
        maxLogBytes,
        maxResponseBytes,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withMaxHostCalls(long v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        queueCapacity,
        cacheDir,
        egress,
        mode,
        v,
        maxLogBytes,
        maxResponseBytes,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withMaxLogBytes(int v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        queueCapacity,
        cacheDir,
        egress,
        mode,
        maxHostCalls,
        v,
        maxResponseBytes,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withMaxResponseBytes(int v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        queueCapacity,
        cacheDir,
        egress,
        mode,
        maxHostCalls,
        maxLogBytes,
        v,
        maxModuleBytes,
        threadStackBytes);
  }

  public WasmRuntimeConfig withMaxModuleBytes(int v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        queueCapacity,
        cacheDir,
        egress,
        mode,
        maxHostCalls,
        maxLogBytes,
        maxResponseBytes,
        v,
        threadStackBytes);
  }

  public WasmRuntimeConfig withThreadStackBytes(long v) {
    return new WasmRuntimeConfig(
        memoryBudgetBytes,
        workers,
        queueCapacity,
        cacheDir,
        egress,
        mode,
        maxHostCalls,
        maxLogBytes,
        maxResponseBytes,
        maxModuleBytes,
        v);
  }

  /** The budget in 64 KiB pages. */
  long budgetPages() {
    return memoryBudgetBytes / 65536;
  }
}
