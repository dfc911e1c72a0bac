package io.jtau.runtime.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.UnlinkableException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import io.jtau.model.Cid;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs {@code taubyte/sdk} guests with Chicory: compiles each module once per CID, then serves
 * every invocation (HTTP, PubSub or P2P event) with a fresh instance on a worker thread, under a
 * memory cap, a deadline, a host-call quota and a node-wide memory budget.
 *
 * <p>Thread-safe. {@link #compile} blocks while compiling (once per CID; concurrent callers for the
 * same CID wait for the same compilation). {@link #invokeHttp} blocks the caller until the guest
 * returns or its deadline passes; it never throws for guest faults. {@link #close} stops the
 * workers, interrupting running guests.
 */
public final class WasmRuntime implements AutoCloseable {

  private static final Map<String, FunctionType> WASI_TYPES = wasiTypes();

  /** Largest initial table a module may declare (each element is a heap reference per call). */
  static final long MAX_TABLE_ELEMENTS = 1_000_000;

  private final WasmRuntimeConfig config;
  private final MemoryBudget budget;
  private final ThreadPoolExecutor workers;
  private final ThreadFactory threads;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<Cid, FutureTask<CompiledModule>> modules =
      new ConcurrentHashMap<>();
  private final com.dylibso.chicory.compiler.Cache diskCache;
  private java.net.http.HttpClient httpClient;

  private final GuestDns.Factory dns;

  /** A runtime whose guests resolve DNS with the system configuration (dnsjava). */
  public WasmRuntime(WasmRuntimeConfig config) {
    this(config, new DnsJavaResolvers());
  }

  /** A runtime whose guests' DNS lookups (§3.11) go through {@code dns}. */
  public WasmRuntime(WasmRuntimeConfig config, GuestDns.Factory dns) {
    this.config = Objects.requireNonNull(config, "config");
    this.dns = Objects.requireNonNull(dns, "dns");
    this.budget = new MemoryBudget(config.budgetPages());
    AtomicInteger n = new AtomicInteger();
    this.threads =
        r -> {
          Thread t =
              new Thread(null, r, "wasm-guest-" + n.incrementAndGet(), config.threadStackBytes());
          t.setDaemon(true);
          return t;
        };
    BlockingQueue<Runnable> queue =
        config.queueCapacity() == 0
            ? new SynchronousQueue<>()
            : new ArrayBlockingQueue<>(config.queueCapacity());
    this.workers =
        new ThreadPoolExecutor(
            config.workers(), config.workers(), 0, TimeUnit.SECONDS, queue, threads);
    this.diskCache =
        config.cacheDir() == null
            ? null
            : new DiskCache(config.cacheDir().resolve("chicory-" + chicoryVersion()));
  }

  /** Cached classes are only valid for the compiler that wrote them. */
  private static String chicoryVersion() {
    String v = MachineFactoryCompiler.class.getPackage().getImplementationVersion();
    return v == null ? "unversioned" : v;
  }

  // ------------------------------------------------------------------ compile

  /**
   * Parses, validates, links against this host and compiles the module, once per CID; later calls
   * return the cached result. The caller guarantees that {@code cid} names {@code wasm}. An
   * artifact whose first line is {@code // jtau-js 1} is a JavaScript function instead (see
   * docs/functions-js.md): it is compiled to QuickJS bytecode and served the same way.
   *
   * @throws WasmException when the module is malformed, invalid, imports something this host does
   *     not offer, or exceeds a node limit
   */
  public CompiledModule compile(Cid cid, byte[] wasm) throws WasmException {
    Objects.requireNonNull(cid, "cid");
    Objects.requireNonNull(wasm, "wasm");
    FutureTask<CompiledModule> task = new FutureTask<>(() -> doCompile(cid, wasm));
    FutureTask<CompiledModule> existing = modules.putIfAbsent(cid, task);
    if (existing == null) {
      task.run();
      existing = task;
    }
    try {
      return existing.get();
    } catch (ExecutionException e) {
      modules.remove(cid, existing);
      if (e.getCause() instanceof WasmException w) {
        throw w;
      }
      throw new WasmException(WasmException.Phase.INVALID, "compile failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WasmException(WasmException.Phase.LIMIT, "interrupted while compiling");
    }
  }

  /** The compiled module for a CID if it is cached. */
  public java.util.Optional<CompiledModule> cached(Cid cid) {
    FutureTask<CompiledModule> t = modules.get(cid);
    if (t == null || !t.isDone()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(t.get());
    } catch (ExecutionException | InterruptedException | CancellationException e) {
      return java.util.Optional.empty();
    }
  }

  /** Forgets a compiled module (running invocations are not affected). Idempotent. */
  public void evict(Cid cid) {
    modules.remove(cid);
  }

  private CompiledModule doCompile(Cid cid, byte[] wasm) throws WasmException {
    if (wasm.length > config.maxModuleBytes()) {
      throw new WasmException(
          WasmException.Phase.LIMIT,
          "module is " + wasm.length + " bytes, limit is " + config.maxModuleBytes());
    }
    if (JsEngine.isJs(wasm)) {
      return new CompiledModule(cid, JsEngine.compile(wasm), wasm.length);
    }
    WasmModule module = parse(wasm);
    for (int i = 0; i < module.tableSection().tableCount(); i++) {
      long elements = module.tableSection().getTable(i).limits().min();
      // tables live on the JVM heap outside the guest memory budget, so they get their own limit
      if (elements > MAX_TABLE_ELEMENTS) {
        throw new WasmException(
            WasmException.Phase.LIMIT,
            "table "
                + i
                + " declares "
                + elements
                + " initial elements, this node allows at most "
                + MAX_TABLE_ELEMENTS);
      }
    }
    List<FunctionImport> functionImports = new ArrayList<>();
    Set<String> libraries = new HashSet<>();
    boolean importsReady = false;
    for (int i = 0; i < module.importSection().importCount(); i++) {
      Import imp = module.importSection().getImport(i);
      String where = imp.module() + "." + imp.name();
      boolean hostModule =
          imp.module().equals(HostCatalog.ENV)
              || imp.module().equals(HostCatalog.SDK)
              || imp.module().equals(HostCatalog.WASI);
      if (!(imp instanceof FunctionImport fi)) {
        throw new WasmException(
            WasmException.Phase.UNLINKABLE,
            "unsupported import " + where + " (only functions can be imported)");
      }
      FunctionType want = module.typeSection().getType(fi.typeIndex());
      FunctionType have;
      if (imp.module().equals(HostCatalog.WASI)) {
        have = WASI_TYPES.get(imp.name());
      } else if (hostModule) {
        HostSpec spec = HostCatalog.find(imp.module(), imp.name());
        have = spec == null ? null : spec.type();
      } else {
        libraries.add(imp.module());
        functionImports.add(fi);
        continue;
      }
      if (have == null) {
        throw new WasmException(WasmException.Phase.UNLINKABLE, "unknown import " + where);
      }
      if (!have.equals(want)) {
        throw new WasmException(
            WasmException.Phase.UNLINKABLE,
            "import " + where + " has type " + want + ", host provides " + have);
      }
      importsReady |= imp.module().equals(HostCatalog.ENV) && imp.name().equals("_ready");
      functionImports.add(fi);
    }
    int initialPages = 0;
    if (module.memorySection().isPresent() && module.memorySection().get().memoryCount() > 0) {
      initialPages = module.memorySection().get().getMemory(0).limits().initialPages();
    }
    long nodeMax = Math.min(Memory.RUNTIME_MAX_PAGES, budget.capacityPages());
    if (initialPages > nodeMax) {
      throw new WasmException(
          WasmException.Phase.LIMIT,
          "memory limit: module needs "
              + initialPages
              + " initial pages, this node allows at most "
              + nodeMax);
    }
    Set<String> exports = new HashSet<>();
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export e = module.exportSection().getExport(i);
      if (e.exportType() == ExternalType.FUNCTION) {
        exports.add(e.name());
      }
    }
    Function<Instance, Machine> factory;
    if (config.mode() == ExecutionMode.INTERPRETED) {
      factory = InterpreterMachine::new;
    } else {
      try {
        MachineFactoryCompiler.Builder b = MachineFactoryCompiler.builder(module);
        if (diskCache != null) {
          b = b.withCache(diskCache);
        }
        factory = b.compile();
      } catch (ChicoryException | IllegalArgumentException | IllegalStateException e) {
        throw new WasmException(
            WasmException.Phase.INVALID, "compile failed: " + e.getMessage(), e);
      }
    }
    return new CompiledModule(
        cid,
        module,
        factory,
        initialPages,
        functionImports,
        exports,
        libraries,
        importsReady,
        wasm.length);
  }

  private static WasmModule parse(byte[] wasm) throws WasmException {
    try {
      return Parser.parse(wasm);
    } catch (MalformedException e) {
      throw new WasmException(WasmException.Phase.MALFORMED, e.getMessage(), e);
    } catch (InvalidException e) {
      String m = e.getMessage();
      if (m != null && m.contains("size minimum must not be greater than maximum")) {
        // Chicory says this for tables beyond its 10^7 element limit (e.g. 2^32 elements)
        m = "table or memory limits out of range: " + m;
      }
      throw new WasmException(WasmException.Phase.INVALID, m, e);
    } catch (ChicoryException e) {
      throw new WasmException(WasmException.Phase.MALFORMED, e.getMessage(), e);
    } catch (RuntimeException e) {
      // truncated input surfaces as buffer/index exceptions from the decoder
      throw new WasmException(
          WasmException.Phase.MALFORMED,
          "cannot decode module: " + e.getClass().getSimpleName(),
          e);
    }
  }

  // ------------------------------------------------------------------ invoke

  /**
   * Runs the module's export {@code inv.call()} for an HTTP request in a fresh instance.
   *
   * <p>Never throws for guest faults: a trap, timeout, missing export, exceeded quota or failing
   * host call gives status 500 with a short reason as body; a node without free guest memory or
   * worker capacity gives 503. Blocks until the guest returns or the deadline passes (the guest is
   * interrupted then; its memory returns to the budget when its thread stops).
   */
  public HttpResponse invokeHttp(CompiledModule module, Invocation inv, HttpRequest req) {
    Objects.requireNonNull(req, "req");
    HttpEvent event = new HttpEvent(req, config.maxResponseBytes());
    Run run = run(module, inv, event);
    if (!run.outcome().ok()) {
      return failure(run.outcome().status(), run.outcome().reason(), run.log());
    }
    return event.toResponse(run.log());
  }

  /**
   * Runs the module's export {@code inv.call()} for a PubSub message (event type 2, §4.7) in a
   * fresh instance. Never throws for guest faults; blocks until the guest returns or its deadline
   * passes.
   */
  public EventResult invokePubSub(CompiledModule module, Invocation inv, PubSubMessage message) {
    Objects.requireNonNull(message, "message");
    Run run = run(module, inv, new PubSubEvent(message));
    return new EventResult(
        run.outcome().ok(), run.outcome().reason(), run.outcome().result(), null, run.log());
  }

  /**
   * Runs the module's export {@code inv.call()} for an incoming P2P command (event type 3, §4.7) in
   * a fresh instance; the result carries the response data the guest wrote. Never throws for guest
   * faults; blocks until the guest returns or its deadline passes.
   */
  public EventResult invokeP2P(CompiledModule module, Invocation inv, P2PRequest request) {
    Objects.requireNonNull(request, "request");
    P2PEvent event = new P2PEvent(request);
    Run run = run(module, inv, event);
    return new EventResult(
        run.outcome().ok(),
        run.outcome().reason(),
        run.outcome().result(),
        run.outcome().ok() ? event.responseData() : null,
        run.log());
  }

  private record Run(Outcome outcome, String log) {}

  private Run run(CompiledModule module, Invocation inv, Object event) {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(inv, "inv");
    long start = System.nanoTime();
    long deadline = start + inv.effectiveTimeoutNanos();
    int cap = capPages(inv.memoryBytes());
    if (module.initialPages() > cap) {
      return new Run(
          Outcome.fail(
              500,
              "memory limit: module needs "
                  + module.initialPages()
                  + " pages, the function may use "
                  + cap),
          "");
    }
    MemoryLease lease = MemoryLease.tryOpen(budget, module.initialPages());
    if (lease == null) {
      return new Run(Outcome.fail(503, "guest memory budget exhausted"), "");
    }
    InvocationContext ctx = new InvocationContext(inv, config, deadline, this::httpClient, dns);
    int eventId = ctx.addEvent(event);
    AtomicBoolean started = new AtomicBoolean();
    Future<Outcome> future;
    try {
      future =
          workers.submit(
              () -> {
                if (!started.compareAndSet(false, true)) {
                  return null;
                }
                try (lease) {
                  return runGuest(module, ctx, lease, cap, eventId);
                }
              });
    } catch (RejectedExecutionException busy) {
      lease.close();
      return new Run(Outcome.fail(503, "all guest workers are busy"), "");
    }
    Outcome outcome;
    try {
      outcome = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      if (started.compareAndSet(false, true)) {
        lease.close();
      }
      return new Run(Outcome.fail(500, "timeout"), ctx.log.text());
    } catch (InterruptedException e) {
      future.cancel(true);
      if (started.compareAndSet(false, true)) {
        lease.close();
      }
      Thread.currentThread().interrupt();
      return new Run(Outcome.fail(503, "interrupted"), ctx.log.text());
    } catch (ExecutionException | CancellationException e) {
      return new Run(Outcome.fail(500, "host error"), ctx.log.text());
    }
    if (outcome == null) {
      return new Run(Outcome.fail(503, "cancelled"), ctx.log.text());
    }
    return new Run(outcome, ctx.log.text());
  }

  private synchronized java.net.http.HttpClient httpClient() {
    if (httpClient == null) {
      httpClient = HttpClientHost.newJdkClient();
    }
    return httpClient;
  }

  /** Guest memory pages' bytes currently held by running instances. */
  public long memoryInUseBytes() {
    return budget.usedPages() * Memory.PAGE_SIZE;
  }

  /** The configuration this runtime was built with. */
  public WasmRuntimeConfig config() {
    return config;
  }

  int capPages(long memoryBytes) {
    long pages = memoryBytes == 0 ? 65536 : (memoryBytes + Memory.PAGE_SIZE - 1) / Memory.PAGE_SIZE;
    return (int) Math.min(Math.min(pages, Memory.RUNTIME_MAX_PAGES), budget.capacityPages());
  }

  private static HttpResponse failure(int status, String reason, String log) {
    return new HttpResponse(
        status,
        List.of(new SimpleImmutableEntry<>("Content-Type", "text/plain; charset=utf-8")),
        reason.getBytes(StandardCharsets.UTF_8),
        log);
  }

  /** What happened on the worker: success, or a status and a reason. */
  private record Outcome(boolean ok, int status, String reason, int result) {
    static final Outcome OK = new Outcome(true, 200, "", 0);

    static Outcome ok(int result) {
      return new Outcome(true, 200, "", result);
    }

    static Outcome fail(int status, String reason) {
      return new Outcome(false, status, reason, 0);
    }
  }

  private Outcome runGuest(
      CompiledModule module, InvocationContext ctx, MemoryLease lease, int cap, int eventId) {
    String call = ctx.invocation.call();
    if (module.isJavaScript()) {
      try {
        Object ev = ctx.event(eventId);
        if (!(ev instanceof HttpEvent http)) {
          return Outcome.fail(500, "JavaScript functions serve HTTP events only");
        }
        module.js().run(ctx, http, lease, cap);
        return Outcome.OK;
      } catch (Throwable t) {
        return classify(t, ctx);
      }
    }
    if (!module.exports().contains(call)) {
      return Outcome.fail(500, "missing export: " + call);
    }
    Thread startThread = null;
    try {
      Instance instance = instantiate(module, ctx, lease, cap);
      FunctionType type = instance.exportType(call);
      boolean okType =
          type.params().equals(List.of(ValType.I32))
              && (type.returns().isEmpty() || type.returns().equals(List.of(ValType.I32)));
      if (!okType) {
        return Outcome.fail(500, "export " + call + " has type " + type + ", want (i32) -> i32");
      }
      if (module.exports().contains("_initialize")) {
        instance.export("_initialize").apply();
      } else if (module.exports().contains("_start")) {
        ExportFunction start = instance.export("_start");
        if (module.importsReady()) {
          startThread = startInBackground(start, ctx);
          if (!ctx.ready.await(Math.max(0, ctx.remainingNanos()), TimeUnit.NANOSECONDS)) {
            return Outcome.fail(500, "timeout");
          }
        } else {
          try {
            start.apply();
          } catch (WasiExitException | TrapException ignored) {
            // §4.3: a command's _start outcome (e.g. proc_exit) is ignored
          }
        }
      }
      long[] r = instance.export(call).apply(eventId);
      return Outcome.ok(r == null || r.length == 0 ? 0 : (int) r[0]);
    } catch (Throwable t) {
      return classify(t, ctx);
    } finally {
      if (startThread != null) {
        startThread.interrupt();
      }
    }
  }

  private Thread startInBackground(ExportFunction start, InvocationContext ctx) {
    Thread t =
        threads.newThread(
            () -> {
              try {
                start.apply();
              } catch (Throwable ignored) {
                // outcome of a command's _start is not the invocation's outcome
              } finally {
                ctx.ready.countDown();
              }
            });
    t.start();
    return t;
  }

  private static Outcome classify(Throwable t, InvocationContext ctx) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof GuestAbort a) {
        return Outcome.fail(a.status(), a.getMessage());
      }
      if (c instanceof StackOverflowError) {
        return Outcome.fail(500, "trap: call stack exhausted");
      }
      if (c instanceof ChicoryInterruptedException || c instanceof InterruptedException) {
        return Outcome.fail(500, "timeout");
      }
      if (c instanceof WasiExitException e) {
        return e.exitCode() == 0 ? Outcome.OK : Outcome.fail(500, "exit " + e.exitCode());
      }
      if (c instanceof OutOfMemoryError) {
        return Outcome.fail(500, "out of memory");
      }
    }
    if (t instanceof UnlinkableException || t instanceof UninstantiableException) {
      return Outcome.fail(500, "instantiation failed: " + t.getMessage());
    }
    if (t instanceof TrapException) {
      return Outcome.fail(500, "trap: " + t.getMessage());
    }
    if (t instanceof ChicoryException) {
      return Outcome.fail(500, "trap: " + t.getMessage());
    }
    if (Thread.currentThread().isInterrupted() || ctx.remainingNanos() <= 0) {
      return Outcome.fail(500, "timeout");
    }
    return Outcome.fail(500, "host error: " + t.getClass().getSimpleName());
  }

  private Instance instantiate(
      CompiledModule module, InvocationContext ctx, MemoryLease lease, int cap) {
    return link(module, ctx, lease, cap, new HashMap<>(), new java.util.ArrayDeque<>());
  }

  /**
   * Instantiates a module after the libraries it imports (§4.2): each library is resolved by name,
   * compiled once per CID, instantiated at most once per invocation and shared by its importers; a
   * cycle fails the invocation.
   */
  private Instance link(
      CompiledModule module,
      InvocationContext ctx,
      MemoryLease lease,
      int cap,
      Map<String, Instance> loaded,
      java.util.Deque<String> path) {
    for (String lib : module.libraryImports()) {
      if (loaded.containsKey(lib)) {
        continue;
      }
      if (path.contains(lib)) {
        throw new GuestAbort(500, "instantiation failed: import cycle through " + lib);
      }
      ModuleSource src =
          ctx.invocation
              .services()
              .resolveModule(ctx.invocation, lib)
              .orElseThrow(
                  () -> new GuestAbort(500, "instantiation failed: library " + lib + " not found"));
      CompiledModule libModule;
      try {
        libModule = compile(src.cid(), src.wasm());
      } catch (WasmException e) {
        throw new GuestAbort(500, "instantiation failed: library " + lib + ": " + e.getMessage());
      }
      path.push(lib);
      Instance libInstance = link(libModule, ctx, lease, cap, loaded, path);
      path.pop();
      if (libModule.exports().contains("_initialize")) {
        libInstance.export("_initialize").apply();
      }
      loaded.put(lib, libInstance);
    }
    List<ImportFunction> fns = new ArrayList<>(module.functionImports().size());
    Map<String, HostFunction> wasi = null;
    for (FunctionImport fi : module.functionImports()) {
      if (fi.module().equals(HostCatalog.WASI)) {
        if (wasi == null) {
          wasi = wasiFunctions(module, ctx);
        }
        HostFunction w = wasi.get(fi.name());
        fns.add(
            new HostFunction(
                w.module(),
                w.name(),
                w.functionType(),
                (inst, args) -> {
                  ctx.tick();
                  return w.handle().apply(inst, args);
                }));
      } else if (loaded.containsKey(fi.module())) {
        Instance lib = loaded.get(fi.module());
        CompiledModule owner = module;
        if (!hasFunctionExport(lib, fi.name())) {
          throw new GuestAbort(
              500,
              "instantiation failed: "
                  + fi.module()
                  + " does not export "
                  + fi.name()
                  + " (imported by "
                  + owner.cid()
                  + ")");
        }
        fns.add(ImportFunction.exportAsImport(fi.module(), fi.name(), lib, fi.name()));
      } else {
        fns.add(HostCatalog.find(fi.module(), fi.name()).bind(ctx));
      }
    }
    return Instance.builder(module.module())
        .withImportValues(ImportValues.builder().withFunctions(fns).build())
        .withMachineFactory(module.machineFactory())
        .withMemoryFactory(limits -> newMemory(limits, cap, lease))
        .withStart(false)
        .build();
  }

  private static boolean hasFunctionExport(Instance instance, String name) {
    try {
      return instance.exportType(name) != null;
    } catch (RuntimeException missing) {
      return false;
    }
  }

  private static Memory newMemory(MemoryLimits declared, int cap, MemoryLease lease) {
    int max = Math.min(declared.maximumPages(), cap);
    int initial = declared.initialPages();
    if (initial > max) {
      throw new GuestAbort(
          500, "memory limit: module needs " + initial + " pages, the function may use " + max);
    }
    if (!lease.claimInitial(initial)) {
      throw new GuestAbort(503, "guest memory budget exhausted");
    }
    return new BudgetedMemory(new MemoryLimits(initial, max, declared.shared()), lease);
  }

  private Map<String, HostFunction> wasiFunctions(CompiledModule module, InvocationContext ctx) {
    WasiOptions options =
        WasiOptions.builder()
            .withArguments(List.of(module.cid().value()))
            .withStdin(new ByteArrayInputStream(new byte[0]))
            .withStdout(ctx.log.stream())
            .withStderr(ctx.log.stream())
            .withClock(Clock.systemUTC())
            .withRandom(random)
            .build();
    WasiPreview1 wasi = WasiPreview1.builder().withOptions(options).build();
    Map<String, HostFunction> out = new HashMap<>();
    for (HostFunction f : wasi.toHostFunctions()) {
      out.put(f.name(), f);
    }
    return out;
  }

  private static Map<String, FunctionType> wasiTypes() {
    Map<String, FunctionType> out = new HashMap<>();
    try (WasiPreview1 wasi = WasiPreview1.builder().build()) {
      for (HostFunction f : wasi.toHostFunctions()) {
        out.put(f.name(), f.functionType());
      }
    }
    return Map.copyOf(out);
  }

  /** Stops the workers, interrupting running guests. Idempotent. */
  @Override
  public void close() {
    workers.shutdownNow();
  }
}
