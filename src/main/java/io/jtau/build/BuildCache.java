package io.jtau.build;

import io.jtau.model.Cid;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.StoreConfig;

/**
 * Input hash → artifact CID, on Xodus with durable writes, so a restart never rebuilds what was
 * built. Thread-safe.
 */
public final class BuildCache implements AutoCloseable {

  private static final String STORE = "artifacts";
  private final Environment env;

  public BuildCache(Path dir) {
    this.env =
        Environments.newInstance(dir.toFile(), new EnvironmentConfig().setLogDurableWrite(true));
    env.executeInTransaction(txn -> env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn));
  }

  public Optional<Cid> get(String inputHash) {
    return env.computeInReadonlyTransaction(
        txn -> {
          ByteIterable v =
              env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn).get(txn, key(inputHash));
          return v == null
              ? Optional.<Cid>empty()
              : Optional.of(
                  new Cid(
                      new String(v.getBytesUnsafe(), 0, v.getLength(), StandardCharsets.UTF_8)));
        });
  }

  public void put(String inputHash, Cid artifact) {
    env.executeInTransaction(
        txn ->
            env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn)
                .put(
                    txn,
                    key(inputHash),
                    new ArrayByteIterable(artifact.value().getBytes(StandardCharsets.UTF_8))));
  }

  private static ByteIterable key(String inputHash) {
    return new ArrayByteIterable(inputHash.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    env.close();
  }
}
