package io.jtau.app;

import io.jtau.model.Cid;
import io.jtau.model.FunctionTarget;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.reconcile.StateApplier;
import io.jtau.runtime.kv.DatabaseId;
import io.jtau.runtime.kv.KvDatabase;
import io.jtau.runtime.kv.KvStore;
import io.jtau.runtime.pubsub.Broker;
import io.jtau.runtime.pubsub.Message;
import io.jtau.runtime.pubsub.Topic;
import io.jtau.runtime.wasm.GuestServices;
import io.jtau.store.ObjectStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The node's data services for functions and operators: key/value databases and globals ({@link
 * KvStore}), object storages ({@link ObjectStorage}) and pub/sub channels ({@link Broker}), each
 * reached through the current snapshot of a project branch.
 *
 * <p>As a {@link StateApplier} (wave {@link #WAVE_STORES}) it keeps, per project branch, the
 * snapshot being served, and subscribes every {@code pubsub}-triggered function to its channel.
 *
 * <p><b>Isolation.</b> Every lookup starts from a {@link ProjectKey} (the node's own name for the
 * project, from the route or the URL, never from guest input) and searches only that project's
 * resources; data is stored under ids built from that name, the project id and resource ids, so no
 * name or regex a guest tries reaches another project.
 *
 * <p>Thread-safe: lookups read immutable views; {@link #apply} is serialised.
 */
public final class DataPlane implements StateApplier {

  private static final Logger LOG = Logger.getLogger(DataPlane.class);

  /** Most channels a project's functions may subscribe to at run time. */
  static final int MAX_DYNAMIC_SUBSCRIPTIONS = 1000;

  /** Runs functions for the data plane: compiles modules before apply, invokes on messages. */
  public interface Runner {
    /** Compiles the function's module (before it can be subscribed). */
    void prepare(FunctionTarget target) throws Exception;

    /** Invokes the function with a pubsub event; blocking, bounded by the function's timeout. */
    void invokePubSub(FunctionTarget target, GuestServices services, String topic, byte[] data);

    /**
     * Invokes the function with a P2P command event and returns what it answered; blocking, bounded
     * by the function's timeout. Runners without P2P answer a failed result.
     */
    default io.jtau.runtime.wasm.EventResult invokeP2P(
        FunctionTarget target, GuestServices services, io.jtau.runtime.wasm.P2PRequest request) {
      return new io.jtau.runtime.wasm.EventResult(false, "p2p unavailable", 0, null, "");
    }
  }

  /**
   * Settings.
   *
   * @param globalsQuotaBytes quota of each project's globals database
   * @param subscriberBuffer messages buffered per subscriber before the oldest is dropped
   */
  public record Settings(long globalsQuotaBytes, int subscriberBuffer) {
    public static Settings defaults() {
      return new Settings(64L * 1024 * 1024, 1024);
    }
  }

  /** Where a WebSocket path leads: a project branch, an application scope and a channel. */
  public record SocketTarget(ProjectKey key, String application, Topic topic) {}

  /** A storage a name resolved to: the ObjectStorage ids and the resource. */
  public record StorageRef(String projectId, String storageId, Resource.Storage resource) {}

  private final KvStore kv;
  private final ObjectStorage objects;
  private final Broker broker;
  private final Runner runner;
  private final Settings settings;
  private final GuestContent content;
  private final Map<String, java.util.concurrent.Semaphore> p2pInFlight = new ConcurrentHashMap<>();
  private final Map<ProjectKey, Snapshot> views = new ConcurrentHashMap<>();
  private final Map<SubKey, Broker.Subscription> triggers = new HashMap<>();
  private final Map<SubKey, Broker.Subscription> dynamic = new ConcurrentHashMap<>();
  private volatile Map<String, List<ScopeRef>> hashes = Map.of();

  private record SubKey(ProjectKey key, Topic topic, String resourceId) {}

  private record ScopeRef(ProjectKey key, String application) {}

  public DataPlane(
      KvStore kv, ObjectStorage objects, Broker broker, Runner runner, Settings settings) {
    this(kv, objects, broker, runner, settings, null);
  }

  /**
   * A data plane whose guests also reach content by CID.
   *
   * @param content the node's content for guests; null offers none
   */
  public DataPlane(
      KvStore kv,
      ObjectStorage objects,
      Broker broker,
      Runner runner,
      Settings settings,
      GuestContent content) {
    this.content = content;
    this.kv = kv;
    this.objects = objects;
    this.broker = broker;
    this.runner = runner;
    this.settings = settings;
  }

  @Override
  public String name() {
    return "stores";
  }

  @Override
  public int wave() {
    return WAVE_STORES;
  }

  @Override
  public void prepare(ProjectKey key, Snapshot snapshot) throws Exception {
    List<String> problems = new ArrayList<>(ResourceMatch.regexProblems(snapshot.config()));
    for (Resource.Function f : pubsubFunctions(snapshot.config())) {
      Optional<FunctionTarget> t = target(key, snapshot, f);
      if (t.isEmpty()) {
        continue;
      }
      try {
        runner.prepare(t.get());
      } catch (Exception e) {
        problems.add("function " + f.name() + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  @Override
  public synchronized void apply(ProjectKey key, Snapshot snapshot) {
    views.put(key, snapshot);
    ProjectConfig c = snapshot.config();
    Set<SubKey> desired = new HashSet<>();
    for (Resource.Function f : pubsubFunctions(c)) {
      String channel = channel(f.channel());
      if (ResourceMatch.messaging(c, f.application(), channel).isEmpty()
          || target(key, snapshot, f).isEmpty()) {
        continue;
      }
      desired.add(new SubKey(key, topic(key, c.id(), f.application(), channel), f.id()));
    }
    triggers
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().key().equals(key) && !desired.contains(e.getKey())) {
                e.getValue().close();
                return true;
              }
              return false;
            });
    for (SubKey s : desired) {
      triggers.computeIfAbsent(s, this::subscribeFunction);
    }
    dynamic
        .entrySet()
        .removeIf(
            e -> {
              SubKey s = e.getKey();
              if (s.key().equals(key) && functionById(c, s.resourceId()).isEmpty()) {
                e.getValue().close();
                return true;
              }
              return false;
            });
    Map<String, List<ScopeRef>> idx = new HashMap<>();
    for (Map.Entry<ProjectKey, Snapshot> e : views.entrySet()) {
      ProjectConfig pc = e.getValue().config();
      idx.computeIfAbsent(ResourceMatch.projectHash(pc.id(), ""), h -> new ArrayList<>())
          .add(new ScopeRef(e.getKey(), ""));
      for (var app : pc.applications()) {
        idx.computeIfAbsent(ResourceMatch.projectHash(pc.id(), app.id()), h -> new ArrayList<>())
            .add(new ScopeRef(e.getKey(), app.id()));
      }
    }
    hashes = idx;
  }

  /** The snapshot currently served for the key, as this data plane last applied it. */
  public Optional<Snapshot> view(ProjectKey key) {
    return Optional.ofNullable(views.get(key));
  }

  // ---- databases and globals

  /** The owner id of a project's data: the node's project name and the config's project id. */
  static String owner(ProjectKey key, String projectId) {
    return key.project() + "\n" + projectId;
  }

  /**
   * Opens the database {@code name} resolves to from an application scope (empty = project), or
   * empty when no database resource matches.
   */
  public Optional<KvDatabase> database(ProjectKey key, String application, String name)
      throws IOException {
    Snapshot s = views.get(key);
    if (s == null) {
      return Optional.empty();
    }
    Optional<Resource.Database> d = ResourceMatch.database(s.config(), application, name);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    DatabaseId id =
        new DatabaseId(
            owner(key, s.config().id()),
            Objects.requireNonNullElse(d.get().application(), ""),
            d.get().id(),
            name);
    return Optional.of(kv.open(id, d.get().sizeBytes()));
  }

  /** The project's globals database, or empty when the key serves nothing. */
  public Optional<KvDatabase> globals(ProjectKey key) throws IOException {
    Snapshot s = views.get(key);
    if (s == null) {
      return Optional.empty();
    }
    return Optional.of(
        kv.open(DatabaseId.globals(owner(key, s.config().id())), settings.globalsQuotaBytes()));
  }

  // ---- object storage

  /** The object storage {@code name} resolves to, configured from its resource; empty if none. */
  public Optional<StorageRef> storage(ProjectKey key, String application, String name)
      throws IOException {
    Snapshot s = views.get(key);
    if (s == null || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 160) {
      return Optional.empty();
    }
    Optional<Resource.Storage> r = ResourceMatch.storage(s.config(), application, name);
    if (r.isEmpty()) {
      return Optional.empty();
    }
    Resource.Storage st = r.get();
    if (!"object".equals(st.type())) {
      throw new IOException("storage " + st.name() + " is a streaming storage; not supported yet");
    }
    String projectId = owner(key, s.config().id());
    String storageId =
        Objects.requireNonNullElse(st.application(), "") + "/" + st.id() + "/" + name;
    var want = new ObjectStorage.BucketConfig(Boolean.TRUE.equals(st.versioning()), st.sizeBytes());
    if (!objects.config(projectId, storageId).filter(want::equals).isPresent()) {
      objects.configure(projectId, storageId, want);
    }
    return Optional.of(new StorageRef(projectId, storageId, st));
  }

  public ObjectStorage objects() {
    return objects;
  }

  // ---- pub/sub

  static String channel(String channel) {
    if (channel == null) {
      return "";
    }
    return channel.startsWith("/") ? channel.substring(1) : channel;
  }

  static Topic topic(ProjectKey key, String projectId, String application, String channel) {
    return new Topic(
        key.project()
            + "\n"
            + key.branch()
            + "\n"
            + ResourceMatch.projectHash(projectId, application),
        channel);
  }

  /** Why a publish was refused, or null when it was published. */
  public String publish(
      ProjectKey key, String application, String channel, String source, byte[] data) {
    Snapshot s = views.get(key);
    if (s == null) {
      return "project " + key.project() + " serves nothing on branch " + key.branch();
    }
    String ch = channel(channel);
    if (ch.isEmpty() || ResourceMatch.messaging(s.config(), application, ch).isEmpty()) {
      return "no messaging resource matches channel " + channel;
    }
    broker.publish(topic(key, s.config().id(), application, ch), source, data);
    return null;
  }

  /** Subscribes a function to a channel at run time (setSubscriptionChannel); false if refused. */
  public boolean subscribe(ProjectKey key, String application, String resourceId, String channel) {
    Snapshot s = views.get(key);
    if (s == null) {
      return false;
    }
    String ch = channel(channel);
    if (ch.isEmpty()
        || ResourceMatch.messaging(s.config(), application, ch).isEmpty()
        || functionById(s.config(), resourceId).isEmpty()) {
      return false;
    }
    SubKey sk = new SubKey(key, topic(key, s.config().id(), application, ch), resourceId);
    if (dynamic.containsKey(sk) || triggers.containsKey(sk)) {
      return true;
    }
    long mine = dynamic.keySet().stream().filter(k -> k.key().equals(key)).count();
    if (mine >= MAX_DYNAMIC_SUBSCRIPTIONS) {
      return false;
    }
    dynamic.computeIfAbsent(sk, this::subscribeFunction);
    return true;
  }

  /** The WebSocket path of a channel (§5.4), when a matching messaging resource enables it. */
  public Optional<String> webSocketPath(ProjectKey key, String application, String channel) {
    Snapshot s = views.get(key);
    if (s == null) {
      return Optional.empty();
    }
    String ch = channel(channel);
    return ResourceMatch.messaging(s.config(), application, ch)
        .filter(m -> Boolean.TRUE.equals(m.webSocket()))
        .map(m -> "ws-" + ResourceMatch.projectHash(s.config().id(), application) + "/" + ch);
  }

  /**
   * Resolves a WebSocket path {@code ws-<hash>/<channel>}: the project scope whose hash it is (the
   * first served branch when several serve it; refused when two projects claim one hash) and a
   * messaging resource with WebSocket enabled matching the channel.
   */
  public Optional<SocketTarget> socket(String hash, String channel, List<String> branchOrder) {
    List<ScopeRef> refs = hashes.getOrDefault(hash, List.of());
    if (refs.stream().map(r -> r.key().project()).distinct().count() != 1) {
      return Optional.empty();
    }
    ScopeRef ref =
        refs.stream()
            .min(
                java.util.Comparator.comparingInt(
                    r -> {
                      int i = branchOrder.indexOf(r.key().branch());
                      return i < 0 ? Integer.MAX_VALUE : i;
                    }))
            .orElseThrow();
    Snapshot s = views.get(ref.key());
    String ch = channel(channel);
    if (s == null
        || ResourceMatch.messaging(s.config(), ref.application(), ch)
            .filter(m -> Boolean.TRUE.equals(m.webSocket()))
            .isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new SocketTarget(
            ref.key(),
            ref.application(),
            topic(ref.key(), s.config().id(), ref.application(), ch)));
  }

  public Broker broker() {
    return broker;
  }

  /** The node's content for guests, or null when this data plane offers none. */
  GuestContent content() {
    return content;
  }

  // ---- p2p within the node

  /** P2P commands of one project in flight at once (bounds a function that calls itself). */
  static final int MAX_P2P_IN_FLIGHT = 16;

  /** Whether the key's current snapshot declares {@code protocol} (a service or a p2p function). */
  public boolean servesProtocol(ProjectKey key, String protocol) {
    Snapshot s = views.get(key);
    if (s == null) {
      return false;
    }
    for (Resource.Service svc : s.config().all(Resource.Service.class)) {
      if (protocol.equals(svc.protocol())) {
        return true;
      }
    }
    return p2pFunctions(s.config(), protocol, null).findAny().isPresent();
  }

  /**
   * Delivers a P2P command to the function of the key's current snapshot serving {@code protocol}
   * and {@code command} (the caller's application scope first, then any), and returns its answer.
   * Blocking, bounded by the callee's timeout.
   *
   * @throws IllegalStateException when no function serves it, too many commands are in flight, or
   *     the callee failed (the message is for logs)
   */
  public io.jtau.runtime.wasm.EventResult sendP2P(
      ProjectKey key,
      String application,
      io.jtau.runtime.wasm.P2PRequest request,
      String protocol) {
    Snapshot s = views.get(key);
    if (s == null) {
      throw new IllegalStateException("project " + key + " serves nothing");
    }
    String command = request.command();
    String app = application == null ? "" : application;
    Optional<Resource.Function> f =
        p2pFunctions(s.config(), protocol, command)
            .filter(fn -> app.equals(Objects.requireNonNullElse(fn.application(), "")))
            .findFirst()
            .or(() -> p2pFunctions(s.config(), protocol, command).findFirst());
    if (f.isEmpty()) {
      throw new IllegalStateException(
          "no function of " + key + " serves command " + command + " on " + protocol);
    }
    FunctionTarget t =
        target(key, s, f.get())
            .orElseThrow(
                () -> new IllegalStateException("function " + f.get().name() + " is not built"));
    java.util.concurrent.Semaphore gate =
        p2pInFlight.computeIfAbsent(
            key.project(), k -> new java.util.concurrent.Semaphore(MAX_P2P_IN_FLIGHT));
    if (!gate.tryAcquire()) {
      throw new IllegalStateException("too many p2p commands in flight for " + key.project());
    }
    try {
      return runner.invokeP2P(t, services(key), request);
    } finally {
      gate.release();
    }
  }

  private static java.util.stream.Stream<Resource.Function> p2pFunctions(
      ProjectConfig c, String protocol, String command) {
    return c.all(Resource.Function.class).stream()
        .filter(f -> "p2p".equals(f.type()))
        .filter(f -> protocol.equals(f.service()))
        .filter(f -> command == null || command.equals(f.command()));
  }

  /** Guest services bound to one project branch (what its functions may reach). */
  public GuestServices services(ProjectKey key) {
    return new ProjectGuestServices(this, key);
  }

  /**
   * What {@link #wipe} removed: databases (globals included), object storages, pub/sub
   * subscriptions, and pins of content the project's guests pushed by CID.
   */
  public record Wiped(int databases, int storages, int subscriptions, int contentPins) {}

  /**
   * Deletes every piece of data the project (the node's name for it, all branches, whatever project
   * ids its configs had) keeps in this data plane: its key/value databases and globals, its object
   * storages with their objects (content unpinned for gc), and its pub/sub subscriptions with the
   * messages they buffered. The snapshots being served stay; the next {@link #apply} subscribes the
   * config's pubsub functions again. Data of other projects is untouched: owners and storage
   * project ids start with the project name and a newline, which no project name contains. Blocking
   * (durable when it returns); idempotent.
   *
   * <p>Databases created before the key/value owner index existed and not opened since are not
   * found by owner; the globals of each served project id are dropped by their known id anyway.
   */
  public synchronized Wiped wipe(String project) throws IOException {
    String prefix = project + "\n";
    int dbs = 0;
    for (String owner : kv.owners()) {
      if (owner.startsWith(prefix)) {
        dbs += kv.dropOwner(owner);
      }
    }
    for (Map.Entry<ProjectKey, Snapshot> e : views.entrySet()) {
      if (e.getKey().project().equals(project)) {
        DatabaseId g = DatabaseId.globals(owner(e.getKey(), e.getValue().config().id()));
        if (kv.exists(g)) {
          kv.drop(g);
          dbs++;
        }
      }
    }
    int storages = 0;
    for (String projectId : objects.projectIds()) {
      if (projectId.startsWith(prefix)) {
        storages += objects.deleteProject(projectId);
      }
    }
    int subs = 0;
    for (Map<SubKey, Broker.Subscription> m : List.of(triggers, dynamic)) {
      for (var it = m.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (e.getKey().key().project().equals(project)) {
          e.getValue().close();
          it.remove();
          subs++;
        }
      }
    }
    int pins = content == null ? 0 : content.release(project);
    return new Wiped(dbs, storages, subs, pins);
  }

  /** Closes every function subscription. */
  public synchronized void close() {
    triggers.values().forEach(Broker.Subscription::close);
    triggers.clear();
    dynamic.values().forEach(Broker.Subscription::close);
    dynamic.clear();
  }

  private Broker.Subscription subscribeFunction(SubKey sk) {
    Consumer<Message> handler =
        m -> {
          Snapshot s = views.get(sk.key());
          if (s == null) {
            return;
          }
          Optional<Resource.Function> f = functionById(s.config(), sk.resourceId());
          Optional<FunctionTarget> t = f.flatMap(fn -> target(sk.key(), s, fn));
          if (t.isEmpty()) {
            return;
          }
          String hash =
              sk.topic().namespace().substring(sk.topic().namespace().lastIndexOf('\n') + 1);
          try {
            runner.invokePubSub(
                t.get(), services(sk.key()), hash + "/" + m.topic().channel(), m.data());
          } catch (RuntimeException e) {
            LOG.debugf("pubsub delivery to %s failed: %s", sk.resourceId(), e.getMessage());
          }
        };
    return broker.subscribe(sk.topic(), sk.resourceId(), settings.subscriberBuffer(), handler);
  }

  private static List<Resource.Function> pubsubFunctions(ProjectConfig c) {
    List<Resource.Function> out = new ArrayList<>();
    for (Resource.Function f : c.all(Resource.Function.class)) {
      if ("pubsub".equals(f.type()) && f.channel() != null && !f.channel().isEmpty()) {
        out.add(f);
      }
    }
    return out;
  }

  private static Optional<Resource.Function> functionById(ProjectConfig c, String id) {
    for (Resource.Function f : c.all(Resource.Function.class)) {
      if (f.id().equals(id)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  static Optional<FunctionTarget> target(ProjectKey key, Snapshot s, Resource.Function f) {
    String asset = s.assets().get(Snapshot.assetKey(f));
    if (asset == null) {
      return Optional.empty();
    }
    return Optional.of(
        new FunctionTarget(
            key,
            s.config().id(),
            f.application(),
            f.id(),
            f.name(),
            new Cid(asset),
            f.call(),
            f.memoryBytes(),
            f.timeoutNanos(),
            s.configCommit()));
  }
}
