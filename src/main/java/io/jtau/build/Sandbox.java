package io.jtau.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs build processes with limits, inside a bubblewrap ({@code bwrap}) sandbox when one is
 * installed: no network (unless the step allows it), the system folders read-only, only the build's
 * fresh random work folder writable ({@code /src}, {@code /out} and {@code /tmp} inside), a new PID
 * namespace that dies with its parent, CPU time, file size and process count limits ({@code
 * prlimit}) and a wall-time limit (the whole process tree is killed). When the node runs as root,
 * each workspace gets its own unprivileged uid so the process limit counts that build only.
 *
 * <p>Without {@code bwrap}, script steps (code from the repository) are refused unless {@code
 * allowUnsandboxed}; toolchain invocations (a compiler on the user's sources) still run, with the
 * limits, in the work folder.
 *
 * <p>Thread-safe; {@link #run} blocks until the process ends or is killed.
 */
public final class Sandbox {

  /**
   * Limits of one build.
   *
   * @param wallTime the whole build, all steps together
   * @param cpuSeconds CPU time of each process
   * @param maxFileBytes size of any one file a process writes
   * @param maxOutputBytes total size of the output folder (checked before it is stored)
   * @param maxProcesses processes (and threads) the build may have at once
   */
  public record Limits(
      Duration wallTime, int cpuSeconds, long maxFileBytes, long maxOutputBytes, int maxProcesses) {
    public Limits {
      if (wallTime.isNegative()
          || wallTime.isZero()
          || cpuSeconds < 1
          || maxFileBytes < 1
          || maxOutputBytes < 1
          || maxProcesses < 8) {
        throw new IllegalArgumentException("invalid build limits: " + this);
      }
    }

    public static Limits defaults() {
      return new Limits(Duration.ofMinutes(10), 600, 1L << 30, 512L << 20, 256);
    }
  }

  /**
   * Sandbox settings.
   *
   * @param bwrap the bubblewrap binary, if installed
   * @param allowUnsandboxed run script steps without bubblewrap (trusted single-user nodes only)
   * @param allowNetwork grant the network to builds whose build file asks for it
   * @param workRoot where fresh work folders are made; must be traversable by other users when the
   *     node runs as root
   */
  public record Config(
      Optional<Path> bwrap,
      boolean allowUnsandboxed,
      boolean allowNetwork,
      Path workRoot,
      Limits limits) {}

  /**
   * One process to run.
   *
   * @param label what the log calls it ({@code step build}, {@code clang})
   * @param command argv, with sandbox paths ({@code /src}, {@code /out}) when sandboxed
   * @param env extra environment variables
   * @param network whether the process may reach the network
   * @param userScript code from the repository (refused without bubblewrap unless allowed)
   * @param readOnly host folders the process needs to read (a toolchain), bound at the same path
   */
  public record Step(
      String label,
      List<String> command,
      Map<String, String> env,
      boolean network,
      boolean userScript,
      List<Path> readOnly) {
    public Step {
      command = List.copyOf(command);
      env = Map.copyOf(env);
      readOnly = List.copyOf(readOnly);
    }
  }

  /** How a process ended. */
  public enum Ending {
    EXITED,
    WALL_TIME,
    CPU_TIME,
    FILE_SIZE,
    CANCELLED
  }

  /** The end of a process: exit code (or -1 when killed) and why it ended. */
  public record Result(int exitCode, Ending ending) {}

  /** The sandbox refused to run a step; the message says why and what to do. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  private static final int MAX_LINE = 8192;
  private static final String PATH =
      "/usr/lib/go-1.23/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Config config;
  private final Random random;
  private final boolean root;

  public Sandbox(Config config, Random random) {
    this.config = config;
    this.random = random;
    this.root = currentUid() == 0;
  }

  /** Finds {@code bwrap} on the PATH. */
  public static Optional<Path> findBwrap() {
    return findOnPath("bwrap");
  }

  static Optional<Path> findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public Config config() {
    return config;
  }

  /** Whether steps run inside bubblewrap. */
  public boolean sandboxed() {
    return config.bwrap().isPresent();
  }

  /** Makes a fresh work folder with a random name: {@code src}, {@code out}, {@code tmp}. */
  public Workspace open() throws IOException {
    Files.createDirectories(config.workRoot());
    if (root) {
      // Sandbox users must traverse the root to reach their own folder, nothing more.
      Files.setPosixFilePermissions(
          config.workRoot(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }
    byte[] name = new byte[16];
    random.nextBytes(name);
    Path dir = config.workRoot().resolve(java.util.HexFormat.of().formatHex(name));
    Files.createDirectory(
        dir,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    OptionalInt uid = root ? OptionalInt.of(200_000 + random.nextInt(60_000)) : OptionalInt.empty();
    Workspace ws = new Workspace(dir, uid, sandboxed());
    try {
      for (Path p : List.of(ws.src(), ws.out(), ws.tmp())) {
        Files.createDirectory(p);
      }
      ws.own(dir);
      ws.own(ws.src());
      ws.own(ws.out());
      ws.own(ws.tmp());
    } catch (IOException | RuntimeException e) {
      ws.close();
      throw e;
    }
    return ws;
  }

  /**
   * Runs one process in the workspace until it exits, the deadline passes, or {@code control} is
   * cancelled; every output line (stdout and stderr merged, lines cut at 8 KiB) goes to {@code
   * lines}.
   *
   * @param deadlineNanos {@link System#nanoTime()} value after which the process is killed
   * @throws Refused when a script step cannot be sandboxed and unsandboxed runs are not allowed
   */
  public Result run(
      Workspace ws, Step step, JobControl control, Consumer<String> lines, long deadlineNanos)
      throws Refused, IOException {
    if (config.bwrap().isEmpty() && step.userScript() && !config.allowUnsandboxed()) {
      throw new Refused(
          step.label()
              + ": build scripts run only inside the bubblewrap sandbox and bwrap is not"
              + " installed (apt-get install bubblewrap), or set jtau.build.allow-unsandboxed=true"
              + " on a trusted single-user node");
    }
    // As root, bwrap sets up the namespaces and binds as root, then setpriv drops to the build's
    // own uid inside, so toolchain folders need no permissions for other users and the process
    // limit counts this build only.
    List<String> argv = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("LANG", "C.UTF-8");
    if (config.bwrap().isPresent()) {
      argv.addAll(bwrapArgs(ws, step));
      env.put("HOME", "/tmp");
      env.put("TMPDIR", "/tmp");
      env.put("SRC", "/src");
      env.put("OUT", "/out");
    } else {
      env.put("HOME", ws.tmp().toString());
      env.put("TMPDIR", ws.tmp().toString());
      env.put("SRC", ws.src().toString());
      env.put("OUT", ws.out().toString());
    }
    if (ws.uid().isPresent()) {
      int u = ws.uid().getAsInt();
      argv.addAll(
          List.of(
              "setpriv",
              "--reuid=" + u,
              "--regid=" + u,
              "--clear-groups",
              "--inh-caps=-all",
              "--"));
    }
    Limits l = config.limits();
    argv.addAll(
        List.of(
            "prlimit",
            "--cpu=" + l.cpuSeconds(),
            "--fsize=" + l.maxFileBytes(),
            "--nproc=" + processLimit(l.maxProcesses()),
            "--core=0",
            "--"));
    env.putAll(step.env());
    argv.addAll(step.command());
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.directory(ws.src().toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process = pb.start();
    Thread reader = new Thread(() -> pump(process.getInputStream(), lines), "build-output");
    reader.setDaemon(true);
    reader.start();
    Ending ending = Ending.EXITED;
    try (AutoCloseable ignored = control.onCancel(() -> killTree(process))) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
        ending = control.cancelled() ? Ending.CANCELLED : Ending.WALL_TIME;
        killTree(process);
        process.waitFor();
      }
    } catch (InterruptedException e) {
      killTree(process);
      Thread.currentThread().interrupt();
      ending = Ending.CANCELLED;
    } catch (Exception e) {
      killTree(process);
      throw new IOException(e);
    }
    try {
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int code = process.exitValue();
    if (control.cancelled()) {
      ending = Ending.CANCELLED;
    } else if (ending == Ending.EXITED && code == 128 + 24) {
      ending = Ending.CPU_TIME; // SIGXCPU
    } else if (ending == Ending.EXITED && code == 128 + 25) {
      ending = Ending.FILE_SIZE; // SIGXFSZ
    }
    return new Result(code, ending);
  }

  private List<String> bwrapArgs(Workspace ws, Step step) {
    List<String> a = new ArrayList<>();
    a.add(config.bwrap().get().toString());
    a.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"));
    a.add("--unshare-cgroup-try");
    if (!root) {
      a.add("--unshare-user");
    }
    if (step.network() && config.allowNetwork()) {
      a.remove("--unshare-net");
    }
    a.addAll(List.of("--die-with-parent", "--new-session", "--hostname", "jtau-build"));
    a.addAll(List.of("--ro-bind", "/usr", "/usr"));
    for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
      Path p = Path.of(top);
      if (Files.isSymbolicLink(p)) {
        try {
          a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        a.addAll(List.of("--ro-bind", top, top));
      }
    }
    List<String> etc =
        new ArrayList<>(
            List.of(
                "/etc/alternatives",
                "/etc/ssl",
                "/etc/ca-certificates",
                "/etc/ld.so.cache",
                "/etc/localtime"));
    if (step.network() && config.allowNetwork()) {
      etc.addAll(List.of("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf"));
    }
    // Folders bwrap makes for mount points are private to root unless made with --perms.
    a.addAll(List.of("--perms", "0755", "--dir", "/etc"));
    for (String e : etc) {
      a.addAll(List.of("--ro-bind-try", e, e));
    }
    a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    a.addAll(List.of("--bind", ws.src().toString(), "/src"));
    a.addAll(List.of("--bind", ws.out().toString(), "/out"));
    a.addAll(List.of("--bind", ws.tmp().toString(), "/tmp"));
    java.util.Set<Path> made = new java.util.HashSet<>();
    for (Path p : step.readOnly()) {
      if (!p.startsWith("/usr")) {
        List<Path> parents = new ArrayList<>();
        for (Path q = p.getParent(); q != null && q.getNameCount() > 0; q = q.getParent()) {
          parents.add(0, q);
        }
        for (Path q : parents) {
          if (made.add(q)) {
            a.addAll(List.of("--perms", "0755", "--dir", q.toString()));
          }
        }
      }
      a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
    }
    a.addAll(List.of("--chdir", "/src", "--"));
    return a;
  }

  /**
   * The process limit to set. As root each build has its own uid, so the limit is the build's; as
   * another user the limit counts every process of that user (this JVM's threads included), so the
   * build's share is added to what the user runs now.
   */
  private int processLimit(int forBuild) {
    if (root) {
      return forBuild;
    }
    return userTasks() + forBuild;
  }

  private static int userTasks() {
    int uid = currentUid();
    int n = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if ((int) Files.getAttribute(p, "unix:uid") == uid) {
            try (Stream<Path> tasks = Files.list(p.resolve("task"))) {
              n += (int) tasks.count();
            }
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return 4096;
    }
    return n;
  }

  static int currentUid() {
    try {
      return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static void pump(InputStream in, Consumer<String> lines) {
    byte[] buf = new byte[8192];
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            emit(line, lines);
          } else if (line.size() < MAX_LINE) {
            line.write(b);
          }
        }
      }
      if (line.size() > 0) {
        emit(line, lines);
      }
    } catch (IOException e) {
      // the process was killed; what was read is delivered
    }
  }

  private static void emit(java.io.ByteArrayOutputStream line, Consumer<String> lines) {
    String s = line.toString(StandardCharsets.UTF_8);
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    line.reset();
    lines.accept(s);
  }
}
