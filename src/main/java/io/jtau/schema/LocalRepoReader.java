package io.jtau.schema;

import io.jtau.model.Problem;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads a config repository from a local folder into a {@link RepoTree}, hardened per
 * reliability.md 1.4 (B1, B3, B4, B11): symbolic links are never followed (reported and skipped),
 * only regular files are read, nothing outside the folder is reached, {@code .git} is skipped, only
 * {@code .yaml} files are read (other files are recorded empty so folders exist), and file size,
 * file count and total bytes are capped. Blob ids are Git's ({@code sha1("blob <len>\0" + bytes)}).
 * Stateless; thread-safe.
 */
final class LocalRepoReader {

  static final long MAX_TOTAL_BYTES = 256L * 1024 * 1024;
  static final int MAX_FILES = 200_000;

  private LocalRepoReader() {}

  static RepoTree read(Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    TreeMap<String, RepoFile> files = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    long[] total = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
            if (!d.equals(root) && d.getFileName().toString().equals(".git")) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            String rel = root.relativize(f).toString().replace('\\', '/');
            if (!f.normalize().startsWith(root)) {
              return FileVisitResult.CONTINUE;
            }
            if (a.isSymbolicLink()) {
              if (rel.endsWith(".yaml")) {
                problems.add(
                    Problem.warning(
                        "/" + rel, 0, 0, "", "symbolic link not followed; the file is ignored"));
              }
              return FileVisitResult.CONTINUE;
            }
            if (!a.isRegularFile()) {
              return FileVisitResult.CONTINUE;
            }
            if (files.size() >= MAX_FILES) {
              problems.add(
                  Problem.error("/" + rel, 0, 0, "", "more than " + MAX_FILES + " files; stopped"));
              return FileVisitResult.TERMINATE;
            }
            if (!rel.endsWith(".yaml")) {
              files.put(rel, new RepoFile(rel, "", new byte[0]));
              return FileVisitResult.CONTINUE;
            }
            if (a.size() > YamlReader.MAX_FILE_BYTES) {
              problems.add(
                  Problem.error(
                      "/" + rel,
                      0,
                      0,
                      "",
                      "file is "
                          + a.size()
                          + " bytes; config files are limited to "
                          + YamlReader.MAX_FILE_BYTES
                          + " bytes"));
              return FileVisitResult.CONTINUE;
            }
            if (total[0] + a.size() > MAX_TOTAL_BYTES) {
              problems.add(
                  Problem.error(
                      "/" + rel,
                      0,
                      0,
                      "",
                      "repository exceeds " + MAX_TOTAL_BYTES + " bytes; stopped"));
              return FileVisitResult.TERMINATE;
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
              // Read at most one byte more than the cap: the file may grow after the stat.
              bytes = in.readNBytes(YamlReader.MAX_FILE_BYTES + 1);
            }
            total[0] += bytes.length;
            files.put(rel, new RepoFile(rel, blobId(bytes), bytes));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            problems.add(
                Problem.error(
                    "/" + root.relativize(f).toString().replace('\\', '/'),
                    0,
                    0,
                    "",
                    "cannot read: " + e.getClass().getSimpleName()));
            return FileVisitResult.CONTINUE;
          }
        });
    return new RepoTree("local", files, problems);
  }

  /** Git's blob id of some bytes. */
  static String blobId(byte[] bytes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      md.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(md.digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-1 is part of every JDK", e);
    }
  }
}
