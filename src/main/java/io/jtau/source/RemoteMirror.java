package io.jtau.source;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * A local bare mirror of one remote repository, fetched with JGit over HTTPS (or plain HTTP to the
 * node's own server) and SSH. A fetch first lists the remote's branches and transfers objects only
 * when a followed branch moved; it is shallow ({@code depth}), never follows an HTTP redirect (so
 * no credential can be sent to another host), fetches no tags and no submodules, and, being a fetch
 * into a bare repository, never checks anything out nor runs a hook. A failed fetch changes
 * nothing: the mirror keeps serving its last commit. Over SSH the server's host key must be one of
 * the repository's {@link SshHostKeys} (or, when it allows first use, the key pinned in the mirror
 * folder at the first connection); any other key is refused, naming its fingerprint. Reads go
 * through {@link JGitSourceRepository}. Fetches are serialized per mirror; reads may run
 * concurrently.
 */
public final class RemoteMirror implements AutoCloseable {

  /** What a fetch changed: local branch → new commit, for every followed branch that moved. */
  public record Outcome(Map<String, String> moved, Set<String> missing) {
    public Outcome {
      moved = Map.copyOf(moved);
      missing = Set.copyOf(missing);
    }

    public boolean changed() {
      return !moved.isEmpty();
    }
  }

  private static final String HOST_KEY_FILE = "jtau-pinned-host-key";
  private final Path dir;
  private final String display;
  private final Repository repository;
  private final JGitSourceRepository source;

  /** Opens the mirror at {@code dir}, creating an empty bare repository when absent. */
  public RemoteMirror(Path dir, String display) {
    this.dir = dir;
    this.display = display;
    try {
      Files.createDirectories(dir.getParent());
      Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).build();
      if (!Files.exists(dir.resolve("config"))) {
        r.create(true);
      }
      StoredConfig c = r.getConfig();
      // Scenario B25: never follow a redirect, so credentials cannot leak to another host.
      c.setString("http", null, "followRedirects", "false");
      // Scenario B26: never recurse into submodules, never run hooks (a bare fetch runs none).
      c.setString("fetch", null, "recurseSubmodules", "false");
      c.setString("core", null, "hooksPath", "/dev/null");
      c.setBoolean("gc", null, "auto", false);
      c.save();
      this.repository = r;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open mirror " + display, e);
    }
    this.source = new JGitSourceRepository(repository, display);
  }

  public JGitSourceRepository source() {
    return source;
  }

  public Repository repository() {
    return repository;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Fetches the followed branches. {@code branches} maps a remote branch to the local branch it is
   * stored as. Blocking, bounded by {@code timeout} per network operation.
   *
   * @throws FetchFailedException when the remote cannot be reached, times out, refuses the
   *     credentials, redirects, or is not a Git repository; the mirror is unchanged
   */
  public Outcome fetch(
      String url,
      Map<String, String> branches,
      Credentials credentials,
      int depth,
      Duration timeout)
      throws FetchFailedException {
    return fetch(url, branches, credentials, SshHostKeys.none(), depth, timeout);
  }

  /**
   * Fetches the followed branches, accepting over SSH only a server whose host key {@code hostKeys}
   * allows. Blocking, bounded by {@code timeout} per network operation.
   *
   * @throws FetchFailedException as {@link #fetch(String, Map, Credentials, int, Duration)}, and
   *     when the SSH host key is not allowed (the message names the key's fingerprint)
   */
  public synchronized Outcome fetch(
      String url,
      Map<String, String> branches,
      Credentials credentials,
      SshHostKeys hostKeys,
      int depth,
      Duration timeout)
      throws FetchFailedException {
    URIish uri;
    try {
      uri = new URIish(url);
    } catch (java.net.URISyntaxException e) {
      throw new FetchFailedException("invalid repository URL for " + display);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!Set.of("https", "http", "ssh").contains(scheme)) {
      throw new FetchFailedException(
          "scheme " + scheme + " is not fetched (only https and ssh) for " + display);
    }
    int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
    Map<String, String> moved = new LinkedHashMap<>();
    java.util.Set<String> missing = new java.util.TreeSet<>();
    PinnedHostKey pins = new PinnedHostKey(dir.resolve(HOST_KEY_FILE), hostKeys);
    BoundedSsh ssh =
        "ssh".equals(scheme) ? new BoundedSsh(sshFactory(credentials, pins), seconds) : null;
    try (Transport tn = Transport.open(repository, uri)) {
      configure(tn, credentials, seconds, ssh);
      Map<String, Ref> remote;
      try (FetchConnection conn = tn.openFetch()) {
        remote = conn.getRefsMap();
      }
      List<RefSpec> specs = new ArrayList<>();
      for (Map.Entry<String, String> b : branches.entrySet()) {
        Ref r = remote.get(Constants.R_HEADS + b.getKey());
        if (r == null || r.getObjectId() == null) {
          missing.add(b.getKey());
          continue;
        }
        ObjectId local = resolve(Constants.R_HEADS + b.getValue());
        if (!r.getObjectId().equals(local)) {
          specs.add(
              new RefSpec(
                  "+" + Constants.R_HEADS + b.getKey() + ":" + Constants.R_HEADS + b.getValue()));
          moved.put(b.getValue(), r.getObjectId().name());
        }
      }
      if (!specs.isEmpty()) {
        try (Transport fetch = Transport.open(repository, uri)) {
          configure(fetch, credentials, seconds, ssh);
          if (depth > 0) {
            fetch.setDepth(depth);
          }
          fetch.fetch(NullProgressMonitor.INSTANCE, specs);
        }
        for (Map.Entry<String, String> m : List.copyOf(moved.entrySet())) {
          ObjectId now = resolve(Constants.R_HEADS + m.getKey());
          if (now == null || !now.name().equals(m.getValue())) {
            moved.remove(m.getKey());
          }
        }
      }
    } catch (NoRemoteRepositoryException e) {
      if (ssh != null && ssh.timedOut) {
        throw new FetchFailedException("fetch of " + display + " failed: timed out", e);
      }
      if (pins.refusal != null) {
        throw new FetchFailedException("fetch of " + display + " failed: " + pins.refusal, e);
      }
      throw new FetchFailedException("no Git repository at the URL of " + display, e);
    } catch (NotSupportedException e) {
      throw new FetchFailedException("unsupported transport for " + display, e);
    } catch (TransportException e) {
      if (ssh != null && ssh.timedOut) {
        throw new FetchFailedException("fetch of " + display + " failed: timed out", e);
      }
      if (pins.refusal != null) {
        throw new FetchFailedException("fetch of " + display + " failed: " + pins.refusal, e);
      }
      throw new FetchFailedException("fetch of " + display + " failed: " + describe(e), e);
    } catch (IOException | RuntimeException e) {
      if (ssh != null && ssh.timedOut) {
        throw new FetchFailedException("fetch of " + display + " failed: timed out", e);
      }
      throw new FetchFailedException("fetch of " + display + " failed: " + describe(e), e);
    } finally {
      if (ssh != null) {
        ssh.close();
        // The watchdog interrupted this thread to end a stalled SSH set-up; do not leak that. The
        // lock orders this after the interrupt (the watchdog sets timedOut and interrupts under
        // it, and can no longer fire once the session set-up returned).
        synchronized (ssh) {
          if (ssh.timedOut) {
            Thread.interrupted();
          }
        }
      }
    }
    return new Outcome(moved, missing);
  }

  private ObjectId resolve(String ref) throws IOException {
    Ref r = repository.exactRef(ref);
    return r == null ? null : r.getObjectId();
  }

  /** Names a failure without echoing anything a host could have put a secret in. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String own = e.getMessage() == null ? "" : e.getMessage();
    String low =
        (own + " " + (root.getMessage() == null ? "" : root.getMessage())).toLowerCase(Locale.ROOT);
    if (root instanceof java.net.SocketTimeoutException
        || low.contains("timed out")
        || low.contains("timeout")) {
      return "timed out";
    }
    if (root instanceof java.net.ConnectException || low.contains("connection refused")) {
      return "connection refused";
    }
    if (low.contains("redirect")
        || low.contains(" 301")
        || low.contains(" 302")
        || low.contains(" 307")
        || low.contains(" 308")) {
      return "the server redirected; redirects are not followed";
    }
    if (low.contains("not authorized")
        || low.contains("authentication")
        || low.contains(" 401")
        || low.contains(" 403")) {
      return "the server refused the credentials";
    }
    if (root instanceof java.net.SocketException
        || low.contains("reset")
        || low.contains("end of file")
        || low.contains("eof")) {
      return "connection lost (" + root.getClass().getSimpleName() + ")";
    }
    if (root instanceof java.net.UnknownHostException) {
      return "host does not resolve";
    }
    return root.getClass().getSimpleName();
  }

  private void configure(
      Transport tn, Credentials credentials, int seconds, BoundedSsh sshFactory) {
    tn.setTimeout(seconds);
    tn.setTagOpt(TagOpt.NO_TAGS);
    tn.setRemoveDeletedRefs(false);
    if (credentials instanceof Credentials.Token t) {
      tn.setCredentialsProvider(tokenProvider(t));
    } else {
      // Never fall back to a process-wide credentials provider.
      tn.setCredentialsProvider(null);
    }
    if (tn instanceof SshTransport ssh) {
      if (sshFactory == null) {
        throw new IllegalStateException("no SSH session factory for " + display);
      }
      ssh.setSshSessionFactory(sshFactory);
    }
  }

  private static CredentialsProvider tokenProvider(Credentials.Token t) {
    return new UsernamePasswordCredentialsProvider(t.username(), t.token());
  }

  private SshdSessionFactory sshFactory(Credentials credentials, PinnedHostKey pins) {
    File home = dir.resolve("ssh-home").toFile();
    List<KeyPair> keys = new ArrayList<>();
    if (credentials instanceof Credentials.DeployKey k) {
      keys.addAll(parseKeys(k.openSshPrivateKey()));
    }
    return new SshdSessionFactoryBuilder()
        .setHomeDirectory(home)
        .setSshDirectory(new File(home, ".ssh"))
        .setPreferredAuthentications("publickey")
        .setDefaultKeysProvider(f -> keys)
        .setDefaultIdentities(f -> List.of())
        .setDefaultKnownHostsFiles(f -> List.of())
        .setConfigFile(f -> null)
        .setServerKeyDatabase((h, s) -> pins)
        .build(null);
  }

  /** Parses an OpenSSH (or PEM) private key; the message never holds key material. */
  public static List<KeyPair> parseKeys(byte[] text) {
    try {
      Iterable<KeyPair> it =
          SecurityUtils.loadKeyPairIdentities(
              null,
              NamedResource.ofName("deploy key"),
              new java.io.ByteArrayInputStream(text),
              FilePasswordProvider.EMPTY);
      List<KeyPair> out = new ArrayList<>();
      if (it != null) {
        it.forEach(out::add);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("the deploy key file holds no private key");
      }
      return out;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the deploy key is not an unencrypted OpenSSH or PEM private key");
    }
  }

  /**
   * Bounds the SSH session set-up (connect, key exchange, authentication) by the fetch timeout:
   * once a session is up, JGit's stream timeouts bound every read, but a server that accepts the
   * connection and never speaks would otherwise hold the fetch for the SSH library's two-minute
   * authentication timeout. On expiry the waiting thread is interrupted (the SSH library's waits
   * are interruptible) and the factory closed; {@link #fetch} clears the interrupt afterwards.
   */
  private static final class BoundedSsh extends org.eclipse.jgit.transport.SshSessionFactory {
    private final SshdSessionFactory delegate;
    private final int seconds;
    volatile boolean timedOut;

    BoundedSsh(SshdSessionFactory delegate, int seconds) {
      this.delegate = delegate;
      this.seconds = seconds;
    }

    @Override
    public org.eclipse.jgit.transport.RemoteSession getSession(
        URIish uri, CredentialsProvider credentials, org.eclipse.jgit.util.FS fs, int tms)
        throws TransportException {
      java.util.concurrent.atomic.AtomicBoolean up =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread waiting = Thread.currentThread();
      java.util.concurrent.CompletableFuture.runAsync(
          () -> {
            synchronized (this) {
              if (!up.compareAndSet(false, true)) {
                return;
              }
              timedOut = true;
              waiting.interrupt();
            }
            delegate.close();
          },
          java.util.concurrent.CompletableFuture.delayedExecutor(
              seconds, java.util.concurrent.TimeUnit.SECONDS));
      try {
        return delegate.getSession(uri, credentials, fs, tms);
      } finally {
        up.set(true);
      }
    }

    @Override
    public String getType() {
      return delegate.getType();
    }

    void close() {
      delegate.close();
    }
  }

  /**
   * Accepts the server's host key when it is one of the repository's pinned keys, or, when first
   * use is allowed, when it is the key pinned in the mirror folder (the first key seen is pinned).
   * Remembers why it refused, for the fetch's error message (fingerprints only, never a secret).
   */
  static final class PinnedHostKey implements ServerKeyDatabase {
    private final Path file;
    private final SshHostKeys allowed;
    volatile String refusal;

    PinnedHostKey(Path file, SshHostKeys allowed) {
      this.file = file;
      this.allowed = allowed;
    }

    @Override
    public List<PublicKey> lookup(
        String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
      return List.of();
    }

    @Override
    public boolean accept(
        String connectAddress,
        InetSocketAddress remoteAddress,
        PublicKey serverKey,
        Configuration config,
        CredentialsProvider provider) {
      String fingerprint = KeyUtils.getFingerPrint(serverKey);
      if (allowed.pinned(serverKey)) {
        return true;
      }
      if (!allowed.firstUse()) {
        refusal =
            allowed.fingerprints().isEmpty()
                ? "the SSH host key "
                    + fingerprint
                    + " of "
                    + connectAddress
                    + " is not trusted: no host key is pinned for this repository (register it"
                    + " with --ssh-host-key "
                    + fingerprint
                    + " after checking the fingerprint with the host)"
                : "the SSH host key "
                    + fingerprint
                    + " of "
                    + connectAddress
                    + " is not the pinned key ("
                    + String.join(", ", allowed.fingerprints())
                    + "); refusing to connect";
        return false;
      }
      try {
        if (Files.exists(file)) {
          String pinned = Files.readString(file, StandardCharsets.US_ASCII).strip();
          String encoded = Base64.getEncoder().encodeToString(serverKey.getEncoded());
          if (pinned.equals(fingerprint) || pinned.equals(encoded)) {
            return true;
          }
          refusal =
              "the SSH host key of "
                  + connectAddress
                  + " changed: "
                  + fingerprint
                  + " is not the key pinned on first use"
                  + (pinned.startsWith("SHA256:") ? " (" + pinned + ")" : "")
                  + "; refusing to connect";
          return false;
        }
        Files.writeString(file, fingerprint + "\n", StandardCharsets.US_ASCII);
        return true;
      } catch (IOException e) {
        refusal = "cannot read or write the pinned SSH host key of " + connectAddress;
        return false;
      }
    }
  }

  @Override
  public void close() {
    repository.close();
  }
}
