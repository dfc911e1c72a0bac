package io.jtau.runtime.wasm;

import com.dylibso.chicory.compiler.Cache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Chicory's compiler cache backed by a directory: one file per key (the compiler derives keys from
 * the module digest), written to a temporary name and renamed atomically so a crash never leaves a
 * half-written entry. Thread-safe; blocking file I/O.
 */
final class DiskCache implements Cache {

  private final Path dir;

  DiskCache(Path dir) {
    this.dir = dir;
  }

  private Path file(String key) {
    StringBuilder safe = new StringBuilder();
    for (char c : key.toCharArray()) {
      safe.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
    }
    return dir.resolve(safe + ".bin");
  }

  @Override
  public byte[] get(String key) throws IOException {
    try {
      return Files.readAllBytes(file(key));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public void putIfAbsent(String key, byte[] data) throws IOException {
    Path target = file(key);
    if (Files.exists(target)) {
      return;
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "entry", ".tmp");
    try {
      Files.write(tmp, data);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
