package io.jtau.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.access.SecretBox;
import io.jtau.model.ProjectKey;
import io.jtau.port.SourceRepository;
import io.jtau.port.StatusSink;
import io.jtau.source.CommitSignatures;
import io.jtau.source.Credentials;
import io.jtau.source.Deliveries;
import io.jtau.source.DeployKeys;
import io.jtau.source.FetchFailedException;
import io.jtau.source.GitHostApi;
import io.jtau.source.GitRepositories;
import io.jtau.source.MirrorSync;
import io.jtau.source.ProjectStore;
import io.jtau.source.RemoteMirror;
import io.jtau.source.RemoteProject;
import io.jtau.source.RemoteProject.CredentialKind;
import io.jtau.source.RemoteProject.Repo;
import io.jtau.source.RemoteProject.Role;
import io.jtau.source.RepoUrlGuard;
import io.jtau.source.SshHostKeys;
import io.jtau.source.VerifiedSource;
import io.jtau.source.WebhookVerifier;
import io.jtau.source.WebhookVerifier.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The projects whose repositories live on remote Git hosts: registration (validated URLs, sealed
 * credentials, one webhook id and secret per repository, optionally the webhook and a deploy key
 * created through GitHub's API), local mirrors kept fresh by a safety poll and by webhooks, and
 * reads through the mirrors (under the project's signature policy when it has one). A webhook only
 * names the repository to re-fetch; the node then fetches from Git itself and enqueues the
 * project's keys when a followed branch moved. Thread-safe.
 */
public final class ProjectRegistry implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ProjectRegistry.class);

  /** Settings of remote sources. */
  public record Settings(
      Path dataDir,
      List<String> branches,
      Duration poll,
      Duration fetchTimeout,
      Duration firstRetry,
      Duration maxRetry,
      String githubApiUrl,
      Supplier<String> publicUrl) {}

  /** What a registration asks for (the HTTP API's JSON body). */
  public record Registration(
      String name,
      String config,
      String code,
      String branch,
      String token,
      String deployKey,
      String provider,
      String apiUrl,
      List<ExtraRepo> repos,
      List<String> allowedSigners,
      List<String> sshHostKeys) {
    @Override
    public String toString() {
      return "Registration[" + name + "]";
    }
  }

  /**
   * What removing a project did: the local removal always completes; {@code host} lists what was
   * deleted on the Git host, {@code warnings} what could not be (to delete by hand).
   */
  public record Removal(boolean found, List<String> host, List<String> warnings) {}

  /** A website or library repository of a registration. */
  public record ExtraRepo(String role, String fullname, String url) {}

  /** A repository's webhook as shown once after registration. */
  public record Hook(
      String repo, String fullname, String url, String secret, boolean createdOnHost) {
    @Override
    public String toString() {
      return "Hook[" + repo + ", " + url + "]";
    }
  }

  /** The answer to a registration: the webhooks to paste into the Git host (secrets shown once). */
  public record Registered(String name, List<Hook> hooks, List<String> notes) {}

  /** A project as listed (never any secret). */
  public record View(String name, String branch, boolean signaturePolicy, List<RepoView> repos) {}

  /** A repository as listed. */
  public record RepoView(
      String role,
      String name,
      String fullname,
      String url,
      String provider,
      String credential,
      String hookUrl,
      Map<String, String> heads,
      long fetches) {}

  /** A refused request; the message is safe to show (no secret). */
  public static final class RegistrationException extends IllegalArgumentException {
    public final int status;

    public RegistrationException(String message, int status) {
      super(message);
      this.status = status;
    }
  }

  /** The answer to a webhook delivery. */
  public record HookAnswer(int status, String text) {}

  private record Live(
      RemoteProject spec, Map<String, RemoteMirror> mirrors, Map<String, VerifiedSource> sources) {}

  private record HookTarget(String project, String repo, Provider provider, byte[] secret) {}

  private static final HexFormat HEX = HexFormat.of();

  private final Settings settings;
  private final SecretBox box;
  private final ProjectStore store;
  private final RepoUrlGuard guard;
  private final GitHostApi api;
  private final MirrorSync sync;
  private final SecureRandom random;
  private final Clock clock;
  private final StatusSink status;
  private final Consumer<ProjectKey> enqueue;
  private final Predicate<String> hostedExists;
  private final Deliveries deliveries;
  private final ObjectMapper json;
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private final Map<String, HookTarget> hooks = new ConcurrentHashMap<>();
  private final AtomicLong hookPushes = new AtomicLong();
  private final AtomicLong hookDuplicates = new AtomicLong();

  public ProjectRegistry(
      Settings settings,
      SecretBox box,
      ProjectStore store,
      RepoUrlGuard guard,
      GitHostApi api,
      MirrorSync.Settings syncSettings,
      java.util.concurrent.ScheduledExecutorService scheduler,
      java.util.concurrent.Executor fetchers,
      SecureRandom random,
      Clock clock,
      StatusSink status,
      Consumer<ProjectKey> enqueue,
      Predicate<String> hostedExists) {
    this.settings = settings;
    this.box = box;
    this.store = store;
    this.guard = guard;
    this.api = api;
    this.random = random;
    this.clock = clock;
    this.status = status;
    this.enqueue = enqueue;
    this.hostedExists = hostedExists;
    this.deliveries = new Deliveries(clock, 10_000, Duration.ofHours(24));
    this.json =
        new ObjectMapper(
            JsonFactory.builder()
                .streamReadConstraints(
                    StreamReadConstraints.builder()
                        .maxNestingDepth(200)
                        .maxStringLength(1 << 20)
                        .maxNumberLength(100)
                        .maxDocumentLength(8L << 20)
                        .build())
                .build());
    this.sync =
        new MirrorSync(
            scheduler,
            fetchers,
            new java.util.Random(random.nextLong()),
            syncSettings,
            new MirrorSync.Listener() {
              @Override
              public void fetched(String key, RemoteMirror.Outcome outcome) {
                onFetched(key, outcome);
              }

              @Override
              public void failed(String key, String message, int attempt, Duration retryIn) {
                onFailed(key, message, attempt, retryIn);
              }
            });
  }

  /** Opens the mirrors of every stored project and starts following them. */
  public void start() {
    for (RemoteProject p : store.all()) {
      try {
        activate(p);
      } catch (RuntimeException e) {
        LOG.warnf("remote project %s cannot start: %s", p.name(), e.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------- registration

  /**
   * Registers a project: validates the name and every URL (the SSRF guard), seals the credential,
   * creates one webhook id and secret per repository, creates the webhook and a deploy key on
   * GitHub when asked, persists the project and starts fetching. Blocking (the host API, DNS).
   */
  public Registered register(Registration r) {
    if (r == null || r.name() == null || !GitRepositories.validName(r.name())) {
      throw new RegistrationException(
          "invalid project name: use lower-case letters, digits, '-' and '_' (at most 63)", 400);
    }
    String name = r.name();
    if (hostedExists.test(name) || store.get(name).isPresent()) {
      throw new RegistrationException("project " + name + " already exists", 409);
    }
    if (r.config() == null || r.config().isBlank()) {
      throw new RegistrationException("config: the config repository URL is required", 400);
    }
    if (r.branch() != null && !r.branch().isBlank() && !validBranch(r.branch())) {
      throw new RegistrationException(
          "branch: '" + r.branch().strip() + "' is not a valid branch name", 400);
    }
    if (r.token() != null && r.deployKey() != null) {
      throw new RegistrationException("give either a token or a deploy key, not both", 400);
    }
    Provider provider =
        r.provider() == null || r.provider().isBlank()
            ? Provider.GENERIC
            : Provider.fromPath(r.provider().toLowerCase(Locale.ROOT));
    if (provider == null) {
      throw new RegistrationException(
          "provider: '" + r.provider() + "' is not one of github, gitea, gitlab, generic", 400);
    }
    String apiUrl = r.apiUrl() == null || r.apiUrl().isBlank() ? null : r.apiUrl().strip();
    if (apiUrl != null && !apiUrl.startsWith("https://") && !apiUrl.startsWith("http://")) {
      throw new RegistrationException("apiUrl: must be an http(s) URL", 400);
    }
    String hostApi = apiUrl != null ? apiUrl : settings.githubApiUrl();
    if (r.deployKey() != null) {
      RemoteMirror.parseKeys(r.deployKey().getBytes(StandardCharsets.UTF_8));
    }
    if (r.allowedSigners() != null && !r.allowedSigners().isEmpty()) {
      CommitSignatures.of(r.allowedSigners());
    }
    SshHostKeys hostKeys = SshHostKeys.parse(r.sshHostKeys());
    List<String[]> wanted = new ArrayList<>();
    wanted.add(new String[] {"CONFIG", "config", null, r.config()});
    if (r.code() != null && !r.code().isBlank()) {
      wanted.add(new String[] {"CODE", "code", null, r.code()});
    }
    if (r.repos() != null) {
      for (ExtraRepo e : r.repos()) {
        Role role;
        try {
          role = Role.valueOf(e.role() == null ? "" : e.role().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
          throw new RegistrationException(
              "repos: role '" + e.role() + "' is not website or library", 400);
        }
        if (role != Role.WEBSITE && role != Role.LIBRARY) {
          throw new RegistrationException(
              "repos: role '" + e.role() + "' is not website or library", 400);
        }
        wanted.add(new String[] {role.name(), null, e.fullname(), e.url()});
      }
    }
    String token = r.token() == null ? null : r.token().strip();
    List<Repo> repos = new ArrayList<>();
    List<Hook> shown = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    DeployKeys.Generated generated = null;
    for (String[] w : wanted) {
      Role role = Role.valueOf(w[0]);
      String url;
      try {
        url = guard.check(w[3]);
      } catch (RepoUrlGuard.RefusedUrlException e) {
        throw new RegistrationException(
            role.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage(), 400);
      }
      String fullname =
          w[2] == null || w[2].isBlank() ? RemoteProject.fullnameOf(url) : w[2].strip();
      String repoName =
          w[1] != null ? w[1] : role.name().toLowerCase(Locale.ROOT) + "-" + slug(fullname);
      if (!GitRepositories.validName(repoName) || !names.add(repoName)) {
        throw new RegistrationException(
            "repos: '" + fullname + "' is listed twice or has no usable name", 400);
      }
      String hookId = randomHex(16);
      byte[] secret = randomHex(32).getBytes(StandardCharsets.US_ASCII);
      Repo repo =
          new Repo(
              role, repoName, fullname, url, provider, hookId, "", CredentialKind.NONE, null, 0);
      CredentialKind kind = CredentialKind.NONE;
      String sealedCred = null;
      boolean ssh = url.startsWith("ssh://");
      if (ssh && r.deployKey() != null) {
        kind = CredentialKind.DEPLOY_KEY;
        sealedCred = box.seal(r.deployKey(), repo.purpose(name, "credential"));
      } else if (token != null) {
        kind = CredentialKind.TOKEN;
        sealedCred = box.seal(seen(token), repo.purpose(name, "credential"));
      }
      if (ssh && hostKeys.isEmpty()) {
        throw new RegistrationException(
            role.name().toLowerCase(Locale.ROOT)
                + ": an ssh:// repository needs sshHostKeys: the server's host key fingerprint"
                + " (SHA256:..., e.g. from 'ssh-keyscan HOST | ssh-keygen -lf -'), its public key"
                + " line, or first-use to trust the first key seen",
            400);
      }
      String hookUrl = hookUrl(provider, hookId);
      long hostHookId = 0;
      long hostKeyId = 0;
      String sealedHostToken = null;
      boolean created = false;
      if (provider == Provider.GITHUB && token != null) {
        try {
          hostHookId =
              api.createGithubHook(
                  hostApi, fullname, token, hookUrl, new String(secret, StandardCharsets.US_ASCII));
          created = true;
          sealedHostToken = box.seal(token, repo.purpose(name, "host-api"));
          if (ssh && r.deployKey() == null) {
            if (generated == null) {
              generated = DeployKeys.generate(random, "jtau-" + name);
            }
            hostKeyId =
                api.createGithubDeployKey(
                    hostApi, fullname, token, "jtau " + name, generated.publicKeyLine());
            kind = CredentialKind.DEPLOY_KEY;
            sealedCred =
                box.seal(
                    new String(generated.openSshPrivateKey(), StandardCharsets.UTF_8),
                    repo.purpose(name, "credential"));
            notes.add("added a read-only deploy key to " + fullname);
          }
        } catch (GitHostApi.HostApiException e) {
          throw new RegistrationException(e.getMessage(), 502);
        }
      }
      repos.add(
          new Repo(
              role,
              repoName,
              fullname,
              url,
              provider,
              hookId,
              box.seal(new String(secret, StandardCharsets.US_ASCII), repo.purpose(name, "hook")),
              kind,
              sealedCred,
              hostHookId,
              hostKeyId,
              sealedHostToken,
              ssh ? hostKeys.entries() : List.of()));
      shown.add(
          new Hook(
              repoName, fullname, hookUrl, new String(secret, StandardCharsets.US_ASCII), created));
    }
    String branch = r.branch() == null || r.branch().isBlank() ? null : r.branch().strip();
    RemoteProject p =
        new RemoteProject(name, branch, apiUrl, repos, r.allowedSigners(), clock.millis());
    if (!store.add(p)) {
      throw new RegistrationException("project " + name + " already exists", 409);
    }
    activate(p);
    LOG.infof("registered remote project %s (%d repositories)", name, repos.size());
    return new Registered(name, shown, notes);
  }

  /**
   * Forgets a project: stops following it and deletes its mirrors, then deletes on the Git host the
   * webhooks and deploy keys that registration created there. A host call that fails does not stop
   * the removal: it is reported in {@link Removal#warnings}. Blocking (host API calls).
   */
  public Removal remove(String name) {
    Live l = live.remove(name);
    Optional<RemoteProject> stored = store.get(name);
    boolean removed = store.remove(name);
    if (l != null) {
      for (Repo r : l.spec().repos()) {
        sync.untrack(name + "/" + r.name());
        hooks.remove(r.hookId());
        RemoteMirror m = l.mirrors().get(r.name());
        if (m != null) {
          m.close();
          deleteQuietly(m.dir());
        }
      }
    }
    RemoteProject spec = l != null ? l.spec() : stored.orElse(null);
    List<String> host = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (spec != null) {
      cleanUpHost(spec, host, warnings);
    }
    if (!warnings.isEmpty()) {
      LOG.warnf("removed project %s; on the Git host: %s", name, String.join("; ", warnings));
    }
    return new Removal(removed || l != null, host, warnings);
  }

  private void cleanUpHost(RemoteProject p, List<String> done, List<String> warnings) {
    String base = p.apiUrl() != null ? p.apiUrl() : settings.githubApiUrl();
    for (Repo r : p.repos()) {
      if (r.hostHookId() == 0 && r.hostDeployKeyId() == 0) {
        continue;
      }
      String token;
      try {
        if (r.sealedHostToken() == null) {
          throw new IllegalStateException("no token");
        }
        token = seen(box.open(r.sealedHostToken(), r.purpose(p.name(), "host-api")));
      } catch (RuntimeException e) {
        warnings.add(
            "no API token is stored for "
                + r.fullname()
                + "; delete its webhook"
                + (r.hostDeployKeyId() != 0 ? " and deploy key" : "")
                + " on the host by hand");
        continue;
      }
      if (r.hostHookId() != 0) {
        try {
          api.deleteGithubHook(base, r.fullname(), token, r.hostHookId());
          done.add("deleted the webhook " + r.hostHookId() + " of " + r.fullname());
        } catch (GitHostApi.HostApiException e) {
          warnings.add(e.getMessage() + "; delete it on the host by hand (Settings > Webhooks)");
        }
      }
      if (r.hostDeployKeyId() != 0) {
        try {
          api.deleteGithubDeployKey(base, r.fullname(), token, r.hostDeployKeyId());
          done.add("deleted the deploy key " + r.hostDeployKeyId() + " of " + r.fullname());
        } catch (GitHostApi.HostApiException e) {
          warnings.add(e.getMessage() + "; delete it on the host by hand (Settings > Deploy keys)");
        }
      }
    }
  }

  /** Every registered project, by name (no secret). */
  public List<View> list() {
    List<View> out = new ArrayList<>();
    for (RemoteProject p : store.all()) {
      Live l = live.get(p.name());
      List<RepoView> repos = new ArrayList<>();
      for (Repo r : p.repos()) {
        Map<String, String> heads = new LinkedHashMap<>();
        if (l != null && l.mirrors().containsKey(r.name())) {
          for (String b : branchMap(p).values()) {
            l.mirrors().get(r.name()).source().head(b).ifPresent(h -> heads.put(b, h));
          }
        }
        repos.add(
            new RepoView(
                r.role().name().toLowerCase(Locale.ROOT),
                r.name(),
                r.fullname(),
                r.url(),
                r.provider().pathName(),
                r.credentialKind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                hookUrl(r.provider(), r.hookId()),
                heads,
                sync.runs(p.name() + "/" + r.name())));
      }
      out.add(new View(p.name(), p.branch(), !p.allowedSigners().isEmpty(), repos));
    }
    return out;
  }

  public boolean exists(String project) {
    return live.containsKey(project);
  }

  /** The registered project names. */
  public List<String> names() {
    return live.keySet().stream().sorted().toList();
  }

  // ---------------------------------------------------------------- reading

  /** The config repository of a registered project (read under its signature policy). */
  public Optional<SourceRepository> config(String project) {
    return source(project, Role.CONFIG);
  }

  /** The code repository of a registered project (read under its signature policy). */
  public Optional<SourceRepository> code(String project) {
    return source(project, Role.CODE);
  }

  /**
   * The website or library repository of a registered project whose {@code owner/name} is {@code
   * fullname} (as a config references it through {@code source.github.fullname}), case-insensitive;
   * empty when the project has no such repository.
   */
  public Optional<SourceRepository> repository(String project, String fullname) {
    Live l = live.get(project);
    if (l == null || fullname == null) {
      return Optional.empty();
    }
    return l.spec().byFullname(fullname).map(r -> l.sources().get(r.name()));
  }

  private Optional<SourceRepository> source(String project, Role role) {
    Live l = live.get(project);
    if (l == null) {
      return Optional.empty();
    }
    return l.spec().first(role).map(r -> l.sources().get(r.name()));
  }

  /** The repository of the project holding {@code commit} at a followed branch, for statuses. */
  Optional<Repo> repoOf(String project, Role role) {
    Live l = live.get(project);
    return l == null ? Optional.empty() : l.spec().first(role);
  }

  private volatile java.util.function.Consumer<String> secretSeen = secret -> {};

  /**
   * Tells {@code sink} every repository token and hook secret this registry seals or opens, so the
   * node's log redactor can hide them everywhere.
   */
  void onSecret(java.util.function.Consumer<String> sink) {
    this.secretSeen = sink;
  }

  private byte[] seenBytes(byte[] secret) {
    seen(new String(secret, StandardCharsets.UTF_8));
    return secret;
  }

  private String seen(String secret) {
    if (secret != null && secret.length() >= 8) {
      try {
        secretSeen.accept(secret);
      } catch (RuntimeException e) {
        // The redactor's table is full: the secret is still sealed at rest.
      }
    }
    return secret;
  }

  /** The token of a repository, opened for one use; empty when it has none. */
  Optional<String> token(String project, Repo repo) {
    if (repo.credentialKind() != CredentialKind.TOKEN || repo.sealedCredential() == null) {
      return Optional.empty();
    }
    return Optional.of(
        seen(box.open(repo.sealedCredential(), repo.purpose(project, "credential"))));
  }

  /** The REST API base of a repository's host, for statuses. */
  String apiBase(String project, Repo repo) {
    Live l = live.get(project);
    if (l != null && l.spec().apiUrl() != null) {
      return l.spec().apiUrl();
    }
    if (repo.provider() == Provider.GITHUB) {
      return settings.githubApiUrl();
    }
    java.net.URI u = java.net.URI.create(repo.url());
    return "https://"
        + u.getHost()
        + (u.getPort() > 0 && u.getScheme().equals("https") ? ":" + u.getPort() : "");
  }

  String publicUrl() {
    return settings.publicUrl().get();
  }

  // ---------------------------------------------------------------- webhooks

  /** Whether a hook id is registered for this provider (checked before any body is read). */
  public boolean knowsHook(Provider provider, String hookId) {
    HookTarget t = hookId == null ? null : hooks.get(hookId);
    return t != null && t.provider() == provider;
  }

  /**
   * Handles a delivery whose body was read within the cap: verifies the signature (constant time)
   * before parsing, drops replays by delivery id, and enqueues a fetch of the hook's repository.
   * Never fetches inline; never uses the payload beyond its shape.
   */
  public HookAnswer receive(
      Provider provider, String hookId, Function<String, String> header, byte[] body) {
    HookTarget t = hookId == null ? null : hooks.get(hookId);
    if (t == null || t.provider() != provider) {
      return new HookAnswer(404, "no such hook\n");
    }
    WebhookVerifier.Verdict v = WebhookVerifier.verify(provider, header, body, t.secret());
    if (v instanceof WebhookVerifier.Rejected rej) {
      return new HookAnswer(401, "signature rejected: " + rej.reason() + "\n");
    }
    WebhookVerifier.Accepted ok = (WebhookVerifier.Accepted) v;
    if (!deliveries.firstSeen(provider.pathName() + "/" + hookId + "/" + ok.deliveryId())) {
      hookDuplicates.incrementAndGet();
      return new HookAnswer(200, "duplicate delivery " + ok.deliveryId() + " ignored\n");
    }
    switch (ok.kind()) {
      case PING:
        return new HookAnswer(200, "pong\n");
      case OTHER:
        return new HookAnswer(202, "event '" + ok.event() + "' ignored\n");
      case PUSH:
        break;
      default:
        throw new AssertionError(ok.kind());
    }
    if (body.length > 0) {
      try {
        JsonNode doc = json.readTree(body);
        if (doc == null || !doc.isObject()) {
          return new HookAnswer(400, "payload is not a JSON object\n");
        }
      } catch (IOException e) {
        return new HookAnswer(400, "payload is not valid JSON\n");
      }
    }
    hookPushes.incrementAndGet();
    sync.request(t.project() + "/" + t.repo());
    return new HookAnswer(202, "fetch of " + t.project() + "/" + t.repo() + " queued\n");
  }

  /** Deliveries that asked for a fetch, and replays dropped (for metrics and benchmarks). */
  public long[] hookCounters() {
    return new long[] {hookPushes.get(), hookDuplicates.get()};
  }

  /** How many fetches of a project's repository ran. */
  public long fetches(String project, String repo) {
    return sync.runs(project + "/" + repo);
  }

  /** Asks for a fetch of every repository of a project (e.g. {@code tau project sync}). */
  public boolean refresh(String project) {
    Live l = live.get(project);
    if (l == null) {
      return false;
    }
    l.spec().repos().forEach(r -> sync.request(project + "/" + r.name()));
    return true;
  }

  // ---------------------------------------------------------------- mirrors

  private void activate(RemoteProject p) {
    CommitSignatures policy =
        p.allowedSigners().isEmpty() ? null : CommitSignatures.of(p.allowedSigners());
    Map<String, RemoteMirror> mirrors = new LinkedHashMap<>();
    Map<String, VerifiedSource> sources = new LinkedHashMap<>();
    for (Repo r : p.repos()) {
      RemoteMirror m =
          new RemoteMirror(
              settings.dataDir().resolve("mirrors").resolve(p.name()).resolve(r.name() + ".git"),
              p.name() + "/" + r.name());
      mirrors.put(r.name(), m);
      sources.put(r.name(), new VerifiedSource(m.source(), policy, p.name() + "/" + r.name()));
      hooks.put(
          r.hookId(),
          new HookTarget(
              p.name(),
              r.name(),
              r.provider(),
              seenBytes(
                  box.open(r.sealedHookSecret(), r.purpose(p.name(), "hook"))
                      .getBytes(StandardCharsets.UTF_8))));
    }
    live.put(p.name(), new Live(p, mirrors, sources));
    for (Repo r : p.repos()) {
      RemoteMirror m = mirrors.get(r.name());
      int depth = policy == null ? 1 : 50;
      sync.track(p.name() + "/" + r.name(), () -> fetch(p, r, m, depth));
    }
    // After a restart the mirrors already hold their commits, so no fetch will "move" a branch:
    // ask for one reconcile of each key so the project serves again without waiting for a push.
    for (String b : branchMap(p).values()) {
      enqueue.accept(new ProjectKey(p.name(), b));
    }
  }

  private RemoteMirror.Outcome fetch(RemoteProject p, Repo r, RemoteMirror m, int depth)
      throws FetchFailedException {
    String url;
    try {
      url = guard.check(r.url());
    } catch (RepoUrlGuard.RefusedUrlException e) {
      throw new FetchFailedException(
          "refused to fetch " + p.name() + "/" + r.name() + ": " + e.getMessage());
    }
    Credentials creds = credentials(p.name(), r);
    return m.fetch(
        url,
        branchMap(p),
        creds,
        SshHostKeys.parse(r.sshHostKeys()),
        depth,
        settings.fetchTimeout());
  }

  private Credentials credentials(String project, Repo r) {
    if (r.sealedCredential() == null) {
      return new Credentials.None();
    }
    String opened = box.open(r.sealedCredential(), r.purpose(project, "credential"));
    byte[] plain = opened.getBytes(StandardCharsets.UTF_8);
    return switch (r.credentialKind()) {
      case NONE -> new Credentials.None();
      case TOKEN ->
          new Credentials.Token(
              switch (r.provider()) {
                case GITHUB -> "x-access-token";
                case GITLAB -> "oauth2";
                default -> "jtau";
              },
              seen(opened).toCharArray());
      case DEPLOY_KEY -> new Credentials.DeployKey(plain);
    };
  }

  /** Remote branch → local branch: the pinned branch as the node's first, else every tuned one. */
  private Map<String, String> branchMap(RemoteProject p) {
    Map<String, String> m = new LinkedHashMap<>();
    if (p.branch() != null) {
      m.put(p.branch(), settings.branches().get(0));
    } else {
      settings.branches().forEach(b -> m.put(b, b));
    }
    return m;
  }

  private void onFetched(String key, RemoteMirror.Outcome outcome) {
    String[] pr = key.split("/", 2);
    Live l = live.get(pr[0]);
    if (l == null) {
      return;
    }
    if (!outcome.changed()) {
      return;
    }
    for (Map.Entry<String, String> moved : outcome.moved().entrySet()) {
      ProjectKey pk = new ProjectKey(pr[0], moved.getKey());
      status.event(
          pk,
          "Normal",
          "Fetched",
          pr[1] + " " + moved.getKey() + " is at " + shortId(moved.getValue()));
      VerifiedSource src = l.sources().get(pr[1]);
      if (src != null && src.hasPolicy()) {
        try {
          src.decision(moved.getKey())
              .filter(d -> !d.headServed())
              .ifPresent(d -> unverified(pk, l.spec(), pr[1], d));
        } catch (VerifiedSource.NoVerifiedCommitException e) {
          status.event(pk, "Warning", "UnverifiedHead", e.getMessage());
          l.spec()
              .repo(pr[1])
              .ifPresent(r -> unverifiedStatus(pk, r, moved.getValue(), e.getMessage()));
        }
      }
      enqueue.accept(pk);
    }
  }

  private void unverified(ProjectKey pk, RemoteProject p, String repo, VerifiedSource.Decision d) {
    status.event(pk, "Warning", "UnverifiedHead", repo + ": " + d.reason());
    p.repo(repo).ifPresent(r -> unverifiedStatus(pk, r, d.head(), d.reason()));
  }

  private Consumer<StatusReport> statusReports = s -> {};

  /** A commit status to report for a commit the signature policy refused. */
  record StatusReport(ProjectKey key, Repo repo, String sha, String description) {}

  void onUnverified(Consumer<StatusReport> c) {
    this.statusReports = c;
  }

  private void unverifiedStatus(ProjectKey pk, Repo r, String sha, String why) {
    statusReports.accept(new StatusReport(pk, r, sha, "not deployed: " + why));
  }

  private void onFailed(String key, String message, int attempt, Duration retryIn) {
    String[] pr = key.split("/", 2);
    if (!live.containsKey(pr[0])) {
      return;
    }
    String text =
        message
            + " (attempt "
            + attempt
            + ", retrying in "
            + retryIn.toSeconds()
            + " s; the last fetched version keeps serving)";
    for (String b : branchMap(live.get(pr[0]).spec()).values()) {
      status.event(new ProjectKey(pr[0], b), "Warning", "FetchFailed", text);
    }
    LOG.warnf("fetch of %s failed: %s", key, text);
  }

  private String hookUrl(Provider provider, String hookId) {
    return settings.publicUrl().get() + "/api/hooks/" + provider.pathName() + "/" + hookId;
  }

  private String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HEX.formatHex(b);
  }

  private static String slug(String fullname) {
    String s = fullname.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-");
    s = s.replaceAll("^-+", "");
    return s.length() > 40 ? s.substring(0, 40) : s;
  }

  private static boolean validBranch(String b) {
    String s = b.strip();
    return s.matches("[A-Za-z0-9._/-]{1,200}")
        && !s.contains("..")
        && !s.startsWith("/")
        && !s.endsWith("/")
        && !s.startsWith("-")
        && !s.endsWith(".lock");
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  private static void deleteQuietly(Path dir) {
    try {
      Node.wipe(dir);
    } catch (IOException e) {
      LOG.warnf("cannot delete %s: %s", dir, e.getMessage());
    }
  }

  @Override
  public void close() {
    sync.close();
    for (Live l : live.values()) {
      l.mirrors().values().forEach(RemoteMirror::close);
    }
    live.clear();
  }
}
