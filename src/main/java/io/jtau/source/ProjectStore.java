package io.jtau.source;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.bindings.StringBinding;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

/**
 * The registered remote projects, persisted in a Xodus environment (durable writes) as JSON, one
 * record per project name. Holds only sealed secrets. Thread-safe.
 */
public final class ProjectStore implements AutoCloseable {

  private static final String PROJECTS = "remote-projects";
  private final Environment env;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public ProjectStore(Path dir) {
    this.env =
        Environments.newInstance(dir.toFile(), new EnvironmentConfig().setLogDurableWrite(true));
    env.executeInTransaction(this::store);
  }

  private Store store(Transaction txn) {
    return env.openStore(PROJECTS, StoreConfig.WITHOUT_DUPLICATES, txn);
  }

  /**
   * Stores {@code project} if no project of that name exists. Returns false (and stores nothing)
   * when the name is taken. Atomic.
   */
  public boolean add(RemoteProject project) {
    byte[] bytes = encode(project);
    return env.computeInExclusiveTransaction(
        txn -> {
          Store s = store(txn);
          ByteIterable key = StringBinding.stringToEntry(project.name());
          if (s.get(txn, key) != null) {
            return false;
          }
          s.put(txn, key, new ArrayByteIterable(bytes));
          return true;
        });
  }

  /** Replaces a stored project (e.g. after the host's webhook id is known). */
  public void put(RemoteProject project) {
    byte[] bytes = encode(project);
    env.executeInExclusiveTransaction(
        txn ->
            store(txn)
                .put(
                    txn,
                    StringBinding.stringToEntry(project.name()),
                    new ArrayByteIterable(bytes)));
  }

  /** Removes a project; false when it did not exist. */
  public boolean remove(String name) {
    return env.computeInExclusiveTransaction(
        txn -> store(txn).delete(txn, StringBinding.stringToEntry(name)));
  }

  public Optional<RemoteProject> get(String name) {
    return env.computeInReadonlyTransaction(
        txn -> {
          ByteIterable v = store(txn).get(txn, StringBinding.stringToEntry(name));
          return v == null ? Optional.<RemoteProject>empty() : Optional.of(decode(v));
        });
  }

  /** Every stored project, by name. */
  public List<RemoteProject> all() {
    return env.computeInReadonlyTransaction(
        txn -> {
          List<RemoteProject> out = new ArrayList<>();
          try (var cursor = store(txn).openCursor(txn)) {
            while (cursor.getNext()) {
              out.add(decode(cursor.getValue()));
            }
          }
          return out;
        });
  }

  private byte[] encode(RemoteProject p) {
    try {
      return json.writeValueAsBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode project " + p.name(), e);
    }
  }

  private RemoteProject decode(ByteIterable v) {
    byte[] b = java.util.Arrays.copyOf(v.getBytesUnsafe(), v.getLength());
    try {
      return json.readValue(b, RemoteProject.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "a stored project record is unreadable (" + b.length + " bytes)", e);
    }
  }

  @Override
  public void close() {
    env.close();
  }
}
