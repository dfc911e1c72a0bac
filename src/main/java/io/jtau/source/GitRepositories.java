package io.jtau.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The bare repositories this node hosts, laid out as {@code <root>/<project>/<repo>.git}. Names are
 * validated against a strict pattern before any path is built, so no name can reach outside the
 * root. Repositories are opened once and shared. Thread-safe.
 */
public final class GitRepositories implements AutoCloseable {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private final Path root;
  private final Map<String, JGitSourceRepository> open = new ConcurrentHashMap<>();

  public GitRepositories(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** Whether {@code name} may be used as a project or repository name. */
  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Parses a request path {@code <project>/<repo>.git} (as used in clone URLs) into its two names,
   * or empty if it is not of that shape.
   */
  public static Optional<String[]> parse(String requestPath) {
    String p = requestPath.startsWith("/") ? requestPath.substring(1) : requestPath;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    String[] parts = p.split("/", -1);
    if (parts.length != 2 || !parts[1].endsWith(".git")) {
      return Optional.empty();
    }
    String repo = parts[1].substring(0, parts[1].length() - 4);
    if (!validName(parts[0]) || !validName(repo)) {
      return Optional.empty();
    }
    return Optional.of(new String[] {parts[0], repo});
  }

  /** The repository if it exists. */
  public Optional<JGitSourceRepository> find(String project, String repo) {
    if (!validName(project) || !validName(repo)) {
      return Optional.empty();
    }
    JGitSourceRepository existing = open.get(project + "/" + repo);
    if (existing != null) {
      return Optional.of(existing);
    }
    Path dir = dir(project, repo);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    return Optional.of(open.computeIfAbsent(project + "/" + repo, k -> openAt(dir, k)));
  }

  /** Creates the bare repository if absent and returns it. */
  public JGitSourceRepository create(String project, String repo) {
    if (!validName(project) || !validName(repo)) {
      throw new IllegalArgumentException(
          "invalid repository name " + project + "/" + repo + ": use " + NAME.pattern());
    }
    return open.computeIfAbsent(
        project + "/" + repo,
        k -> {
          Path dir = dir(project, repo);
          try {
            if (!Files.isDirectory(dir)) {
              Files.createDirectories(dir.getParent());
              try (Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).build()) {
                r.create(true);
                r.getConfig().setBoolean("http", null, "receivepack", true);
                r.getConfig().save();
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException("cannot create repository " + k, e);
          }
          return openAt(dir, k);
        });
  }

  /** Every hosted (project, repo) pair. */
  public List<String[]> list() {
    List<String[]> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (var projects = Files.list(root)) {
      for (Path p : (Iterable<Path>) projects.sorted()::iterator) {
        String project = p.getFileName().toString();
        if (!validName(project) || !Files.isDirectory(p)) {
          continue;
        }
        try (var repos = Files.list(p)) {
          for (Path r : (Iterable<Path>) repos.sorted()::iterator) {
            String n = r.getFileName().toString();
            if (n.endsWith(".git") && validName(n.substring(0, n.length() - 4))) {
              out.add(new String[] {project, n.substring(0, n.length() - 4)});
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list repositories under " + root, e);
    }
    return out;
  }

  private Path dir(String project, String repo) {
    return root.resolve(project).resolve(repo + ".git");
  }

  private static JGitSourceRepository openAt(Path dir, String display) {
    try {
      Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
      return new JGitSourceRepository(r, display);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open repository " + display, e);
    }
  }

  @Override
  public void close() {
    open.values().forEach(r -> r.repository().close());
    open.clear();
  }
}
