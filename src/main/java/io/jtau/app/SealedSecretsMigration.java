package io.jtau.app;

import io.jtau.access.SecretBox;
import io.jtau.source.NodeKey;
import io.jtau.source.ProjectStore;
import io.jtau.source.RemoteProject;
import io.jtau.source.RemoteProject.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves remote projects' stored secrets (webhook secrets, repository tokens, deploy keys) from the
 * former per-registry key ({@link NodeKey}, file {@code <data>/node.key}) to the node's one {@link
 * SecretBox} ({@code <data>/keys/node.key}, values {@code jtau-sealed:v1:...}): each old value is
 * opened once and rewritten sealed by the box under the same context string, project by project
 * (one durable write each). When every value has moved the old key file is deleted, so one node key
 * remains. Idempotent: values already in the new format are left alone, and without the old key
 * file nothing runs. Blocking (file and store I/O); not thread-safe (run once at node start, before
 * the projects are opened).
 */
final class SealedSecretsMigration {

  /**
   * What a run did.
   *
   * @param rewritten secrets rewritten in the new format
   * @param failed projects left unmigrated (their value does not open with the old key), by name
   *     and reason, never the value
   * @param legacyKeyDeleted whether the old key file was removed
   */
  record Result(int rewritten, List<String> failed, boolean legacyKeyDeleted) {
    Result {
      failed = List.copyOf(failed);
    }
  }

  private SealedSecretsMigration() {}

  /** Migrates every stored project; see the type's contract. */
  static Result run(ProjectStore store, Path legacyKeyFile, SecretBox box) throws IOException {
    if (!Files.exists(legacyKeyFile)) {
      return new Result(0, List.of(), false);
    }
    NodeKey legacy = NodeKey.loadOrCreate(legacyKeyFile, new SecureRandom());
    int rewritten = 0;
    List<String> failed = new ArrayList<>();
    for (RemoteProject p : store.all()) {
      List<Repo> repos = new ArrayList<>();
      int moved = 0;
      try {
        for (Repo r : p.repos()) {
          String hook = r.sealedHookSecret();
          if (!SecretBox.isSealed(hook)) {
            hook = reseal(legacy, box, hook, r.purpose(p.name(), "hook"));
            moved++;
          }
          String cred = r.sealedCredential();
          if (cred != null && !SecretBox.isSealed(cred)) {
            cred = reseal(legacy, box, cred, r.purpose(p.name(), "credential"));
            moved++;
          }
          repos.add(
              new Repo(
                  r.role(),
                  r.name(),
                  r.fullname(),
                  r.url(),
                  r.provider(),
                  r.hookId(),
                  hook,
                  r.credentialKind(),
                  cred,
                  r.hostHookId()));
        }
      } catch (IllegalArgumentException e) {
        failed.add(p.name() + ": " + e.getMessage());
        continue;
      }
      if (moved > 0) {
        store.put(
            new RemoteProject(
                p.name(), p.branch(), p.apiUrl(), repos, p.allowedSigners(), p.createdMillis()));
        rewritten += moved;
      }
    }
    boolean deleted = false;
    if (failed.isEmpty()) {
      Files.delete(legacyKeyFile);
      deleted = true;
    }
    return new Result(rewritten, failed, deleted);
  }

  private static String reseal(NodeKey legacy, SecretBox box, String old, String purpose) {
    byte[] plain = legacy.open(old, purpose);
    return box.seal(new String(plain, StandardCharsets.UTF_8), purpose);
  }
}
