package io.jtau.build;

import io.jtau.build.LanguageBuilder.BuildFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Turns a build's output folder into an artifact, refusing what could escape or exhaust the node:
 * the output folder is measured (logical sizes, so sparse files count in full) before anything is
 * read; symbolic links are followed only when they stay inside the folder; special files are
 * refused. Stateless.
 */
final class Outputs {

  private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  // Fixed entry time: equal outputs give byte-identical archives, hence equal CIDs.
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private Outputs() {}

  /** The Wasm module of a function or library: {@code main.wasm}, else legacy artifact.wasm. */
  static byte[] wasm(Path out, long maxBytes) throws BuildFailure {
    Map<String, Path> files = files(out, maxBytes);
    Path f = files.get("main.wasm");
    String name = "main.wasm";
    if (f == null) {
      f = files.get("artifact.wasm");
      name = "artifact.wasm";
    }
    if (f == null) {
      throw new BuildFailure(
          "the build wrote no main.wasm (or legacy artifact.wasm) in $OUT; it wrote "
              + (files.isEmpty() ? "nothing" : List.copyOf(files.keySet())));
    }
    try {
      return checkWasm("$OUT/" + name, Files.readAllBytes(f));
    } catch (IOException e) {
      throw new BuildFailure("$OUT/" + name + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Checks the Wasm magic and version. */
  static byte[] checkWasm(String name, byte[] bytes) throws BuildFailure {
    if (bytes.length < MAGIC.length) {
      throw new BuildFailure(name + ": not a WebAssembly module (too short)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new BuildFailure(name + ": not a WebAssembly module (bad magic or version)");
      }
    }
    return bytes;
  }

  /**
   * A website: a ZIP of every file under {@code out} (entries with {@code /}-separated relative
   * paths, sorted, no folder entries, fixed times).
   */
  static byte[] website(Path out, long maxBytes) throws BuildFailure {
    Map<String, Path> files = files(out, maxBytes);
    if (files.isEmpty()) {
      throw new BuildFailure("the website build wrote nothing in $OUT (empty output)");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, Path> e : files.entrySet()) {
        ZipEntry entry = new ZipEntry(entryName(e.getKey()));
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        Files.copy(e.getValue(), zip);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new BuildFailure("cannot archive the website output: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  /** Checks an archive entry name: relative, {@code /}-separated, no dot segments. */
  static String entryName(String name) throws BuildFailure {
    if (name.isEmpty()
        || name.startsWith("/")
        || name.contains("\\")
        || name.contains("\0")
        || name.endsWith("/")) {
      throw new BuildFailure("output path '" + name + "' is not a safe relative path");
    }
    for (String seg : name.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new BuildFailure("output path '" + name + "' is not a safe relative path");
      }
    }
    return name;
  }

  /**
   * Every file under {@code out} by relative path → the regular file holding its bytes. Fails on a
   * link leaving the folder, a special file, or a total over {@code maxBytes}.
   */
  static Map<String, Path> files(Path out, long maxBytes) throws BuildFailure {
    Path real;
    try {
      real = out.toRealPath();
    } catch (IOException e) {
      throw new BuildFailure("the output folder is gone: " + e.getMessage(), e);
    }
    Map<String, Path> files = new TreeMap<>();
    long total = 0;
    List<Path> all = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(real)) {
      walk.forEach(all::add);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new BuildFailure("cannot read the output folder: " + e.getMessage(), e);
    }
    for (Path p : all) {
      if (p.equals(real)) {
        continue;
      }
      String rel = real.relativize(p).toString().replace('\\', '/');
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        throw new BuildFailure("$OUT/" + rel + ": cannot read: " + e.getMessage(), e);
      }
      Path file = p;
      if (a.isSymbolicLink()) {
        Path target;
        try {
          target = p.toRealPath();
        } catch (IOException e) {
          throw new BuildFailure("$OUT/" + rel + ": symbolic link to nothing", e);
        }
        if (!target.startsWith(real)) {
          String to;
          try {
            to = Files.readSymbolicLink(p).toString();
          } catch (IOException e) {
            to = "?";
          }
          throw new BuildFailure(
              "$OUT/" + rel + ": symbolic link to " + to + " points outside the output folder");
        }
        if (Files.isDirectory(target)) {
          continue; // its files are walked where they really are
        }
        file = target;
        try {
          a = Files.readAttributes(target, BasicFileAttributes.class);
        } catch (IOException e) {
          throw new BuildFailure("$OUT/" + rel + ": cannot read: " + e.getMessage(), e);
        }
      }
      if (a.isDirectory()) {
        continue;
      }
      if (!a.isRegularFile()) {
        throw new BuildFailure("$OUT/" + rel + ": not a regular file (device, pipe or socket)");
      }
      total += a.size();
      if (total > maxBytes) {
        throw new BuildFailure(
            "the build output is over the output-size limit of "
                + human(maxBytes)
                + " ($OUT/"
                + rel
                + " is "
                + human(a.size())
                + ")");
      }
      files.put(entryName(rel), file);
    }
    return files;
  }

  static String human(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format("%.1f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format("%.1f MiB", bytes / (double) (1L << 20));
    }
    if (bytes >= 1L << 10) {
      return String.format("%.1f KiB", bytes / (double) (1L << 10));
    }
    return bytes + " bytes";
  }
}
