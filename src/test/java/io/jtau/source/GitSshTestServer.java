package io.jtau.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A Git server over SSH on 127.0.0.1 (Apache MINA SSHD with JGit's upload-pack): public-key
 * authentication only, for user {@code git} and the keys given to {@link #authorize}; serves {@code
 * git-upload-pack '/<name>.git'} from the repositories given to {@link #serve}. Its host key is an
 * ECDSA P-256 key made at start ({@link #hostKeyFingerprint}). Thread-safe; {@link #close} stops
 * it.
 */
public final class GitSshTestServer implements AutoCloseable {

  private final SshServer sshd;
  private final KeyPair hostKey;
  private final Map<String, Repository> repos = new ConcurrentHashMap<>();
  private final List<PublicKey> authorized = new CopyOnWriteArrayList<>();
  public final AtomicInteger uploads = new AtomicInteger();
  public final AtomicInteger refusedLogins = new AtomicInteger();

  public GitSshTestServer() throws Exception {
    this(0);
  }

  /** Starts on {@code port} (0 = any free port), e.g. to restart on the same port. */
  public GitSshTestServer(int port) throws Exception {
    this(port, newHostKey());
  }

  GitSshTestServer(int port, KeyPair hostKey) throws Exception {
    this.hostKey = hostKey;
    sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(port);
    sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setPublickeyAuthenticator(
        (user, key, session) -> {
          boolean ok =
              "git".equals(user) && authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
          if (!ok) {
            refusedLogins.incrementAndGet();
          }
          return ok;
        });
    sshd.setCommandFactory((channel, command) -> new UploadCommand(command));
    sshd.start();
  }

  static KeyPair newHostKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  public int port() {
    return sshd.getPort();
  }

  public KeyPair hostKey() {
    return hostKey;
  }

  /** The host key's {@code SHA256:} fingerprint, as {@code ssh-keygen -lf} prints it. */
  public String hostKeyFingerprint() {
    return KeyUtils.getFingerPrint(hostKey.getPublic());
  }

  /** Serves {@code repo} at {@code ssh://git@127.0.0.1:PORT/<name>.git}; returns that URL. */
  public String serve(String name, Repository repo) {
    repos.put("/" + name + ".git", repo);
    return url(name);
  }

  public String url(String name) {
    return "ssh://git@127.0.0.1:" + port() + "/" + name + ".git";
  }

  /** Lets the holder of {@code key} log in as {@code git}. */
  public void authorize(PublicKey key) {
    authorized.add(key);
  }

  @Override
  public void close() throws IOException {
    sshd.stop(true);
  }

  /** {@code git-upload-pack '<path>'} run by JGit on a thread of its own. */
  private final class UploadCommand implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    UploadCommand(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      Thread t =
          new Thread(
              () -> {
                int code = 0;
                try {
                  String[] parts = command.split(" ", 2);
                  String path = parts.length < 2 ? "" : parts[1].replace("'", "").strip();
                  Repository repo = repos.get(path.startsWith("/") ? path : "/" + path);
                  if (!"git-upload-pack".equals(parts[0]) || repo == null) {
                    err.write(
                        ("fatal: '" + path + "' does not appear to be a git repository\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    err.flush();
                    code = 128;
                  } else {
                    uploads.incrementAndGet();
                    UploadPack up = new UploadPack(repo);
                    up.upload(in, out, err);
                  }
                } catch (IOException | RuntimeException e) {
                  code = 1;
                } finally {
                  try {
                    out.flush();
                    err.flush();
                  } catch (IOException ignored) {
                    // the client went away
                  }
                  exit.onExit(code);
                }
              },
              "git-ssh-test-upload");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
