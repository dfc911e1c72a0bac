package io.jtau.build;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalInt;

/**
 * A build's fresh work folder (random name, deleted on close): {@code src} (the sources, writable
 * so steps may build in place), {@code out} (the outputs) and {@code tmp}. Inside the sandbox they
 * are {@code /src}, {@code /out} and {@code /tmp}. Not thread-safe: one build uses it.
 */
public final class Workspace implements AutoCloseable {

  private final Path root;
  private final OptionalInt uid;
  private final boolean sandboxed;

  Workspace(Path root, OptionalInt uid, boolean sandboxed) {
    this.root = root;
    this.uid = uid;
    this.sandboxed = sandboxed;
  }

  public Path root() {
    return root;
  }

  public Path src() {
    return root.resolve("src");
  }

  public Path out() {
    return root.resolve("out");
  }

  public Path tmp() {
    return root.resolve("tmp");
  }

  /** The unprivileged uid the build runs as, when the node runs as root. */
  public OptionalInt uid() {
    return uid;
  }

  /** {@code /src} inside the sandbox, else the host path. */
  public String srcPath() {
    return sandboxed ? "/src" : src().toString();
  }

  /** {@code /out} inside the sandbox, else the host path. */
  public String outPath() {
    return sandboxed ? "/out" : out().toString();
  }

  /** {@code /tmp} inside the sandbox, else the host path. */
  public String tmpPath() {
    return sandboxed ? "/tmp" : tmp().toString();
  }

  /**
   * Writes the sources into {@code src}. Paths were validated by the source reader; this checks
   * again that each stays inside {@code src}, because a path here becomes a file write.
   */
  public void writeSources(RepoTree sources) throws IOException {
    Path base = src();
    for (RepoFile f : sources.files().values()) {
      Path target = base.resolve(f.path()).normalize();
      if (f.path().startsWith("/") || !target.startsWith(base) || target.equals(base)) {
        throw new IOException(f.path() + ": path leaves the source folder");
      }
      Path parent = target.getParent();
      for (Path p = base; !p.equals(parent); ) {
        p = p.resolve(parent.getName(p.getNameCount()));
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(p);
          own(p);
        }
      }
      Files.write(target, f.content());
      own(target);
    }
  }

  /** Gives a path to the build's uid (when there is one). */
  void own(Path p) throws IOException {
    if (uid.isPresent()) {
      Files.setAttribute(p, "unix:uid", uid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", uid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Deletes the folder, whatever modes the build left on it. Idempotent. */
  @Override
  public void close() throws IOException {
    if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      delete(root);
    }
  }

  private static void delete(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      // A build may leave folders without permissions (mode 000); cleanup must still work.
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
      try (java.util.stream.Stream<Path> children = Files.list(p)) {
        for (Path c : (Iterable<Path>) children::iterator) {
          delete(c);
        }
      }
    }
    Files.delete(p);
  }
}
