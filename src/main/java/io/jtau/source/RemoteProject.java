package io.jtau.source;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A project whose repositories live on a remote Git host, as persisted: one config repository, at
 * most one code repository, any number of website and library repositories. Secrets (hook secret,
 * token, deploy key) are held sealed by the {@link NodeKey}, never in plain text. Immutable.
 *
 * @param name the project name on this node ({@code [a-z0-9][a-z0-9_-]{0,62}})
 * @param branch the remote branch to deploy, served as the node's first tuned branch; null to
 *     follow the node's tuned branches by name
 * @param apiUrl the host's REST API base for commit statuses, or null for the default (GitHub's
 *     configured API, else {@code https://<host>} of the repository)
 * @param repos the repositories, the config repository first
 * @param allowedSigners public keys allowed to sign deployed commits (armored OpenPGP keys or
 *     {@code ssh-ed25519 AAAA...} lines); empty = no signature policy
 * @param createdMillis when the project was registered
 */
public record RemoteProject(
    String name,
    String branch,
    String apiUrl,
    List<Repo> repos,
    List<String> allowedSigners,
    long createdMillis) {

  /** Kinds of repositories in a project. */
  public enum Role {
    CONFIG,
    CODE,
    WEBSITE,
    LIBRARY
  }

  /** How the node authenticates to the Git host. */
  public enum CredentialKind {
    NONE,
    TOKEN,
    DEPLOY_KEY
  }

  /**
   * One repository of a project.
   *
   * @param role what the repository holds
   * @param name the mirror's local name ({@code config}, {@code code}, {@code website-<slug>}...)
   * @param fullname {@code owner/name} on the Git host (how the config references websites and
   *     libraries through {@code source.github.fullname})
   * @param url canonical fetch URL, as accepted by {@link RepoUrlGuard}
   * @param provider the Git host's webhook dialect
   * @param hookId the random id in the webhook URL
   * @param sealedHookSecret the webhook secret, sealed
   * @param credentialKind how to authenticate
   * @param sealedCredential the token or OpenSSH private key, sealed; null for NONE
   * @param hostHookId the id of the webhook created on the host through its API, or 0
   * @param hostDeployKeyId the id of the deploy key added on the host through its API, or 0
   * @param sealedHostToken the API token that created the webhook or deploy key on the host,
   *     sealed, kept to delete them when the project is removed; null when nothing was created
   * @param sshHostKeys for an SSH URL, the server host keys accepted ({@link SshHostKeys} entries);
   *     empty refuses every host key
   */
  public record Repo(
      Role role,
      String name,
      String fullname,
      String url,
      WebhookVerifier.Provider provider,
      String hookId,
      String sealedHookSecret,
      CredentialKind credentialKind,
      String sealedCredential,
      long hostHookId,
      long hostDeployKeyId,
      String sealedHostToken,
      List<String> sshHostKeys) {

    /** A repository with nothing created on the host and no SSH host key pinned. */
    public Repo(
        Role role,
        String name,
        String fullname,
        String url,
        WebhookVerifier.Provider provider,
        String hookId,
        String sealedHookSecret,
        CredentialKind credentialKind,
        String sealedCredential,
        long hostHookId) {
      this(
          role,
          name,
          fullname,
          url,
          provider,
          hookId,
          sealedHookSecret,
          credentialKind,
          sealedCredential,
          hostHookId,
          0,
          null,
          List.of());
    }

    public Repo {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(hookId, "hookId");
      Objects.requireNonNull(sealedHookSecret, "sealedHookSecret");
      credentialKind = credentialKind == null ? CredentialKind.NONE : credentialKind;
      fullname = fullname == null ? "" : fullname;
      sshHostKeys = sshHostKeys == null ? List.of() : List.copyOf(sshHostKeys);
    }

    /** The purpose string secrets of this repository are sealed under. */
    public String purpose(String project, String what) {
      return project + "/" + name + "/" + what;
    }
  }

  public RemoteProject {
    Objects.requireNonNull(name, "name");
    repos = List.copyOf(repos);
    allowedSigners = allowedSigners == null ? List.of() : List.copyOf(allowedSigners);
  }

  /** The repository with the given local name. */
  public Optional<Repo> repo(String repoName) {
    return repos.stream().filter(r -> r.name().equals(repoName)).findFirst();
  }

  /** The first repository with the given role. */
  public Optional<Repo> first(Role role) {
    return repos.stream().filter(r -> r.role() == role).findFirst();
  }

  /** The website or library repository whose {@code owner/name} is {@code fullname}. */
  public Optional<Repo> byFullname(String fullname) {
    return repos.stream().filter(r -> r.fullname().equalsIgnoreCase(fullname)).findFirst();
  }

  /** Derives {@code owner/name} from a repository URL's path (last two segments, no .git). */
  public static String fullnameOf(String url) {
    String path = java.net.URI.create(url).getPath();
    if (path == null) {
      return "";
    }
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.endsWith(".git")) {
      path = path.substring(0, path.length() - 4);
    }
    String[] parts = path.split("/");
    if (parts.length < 2) {
      return path.replace("/", "");
    }
    return parts[parts.length - 2] + "/" + parts[parts.length - 1];
  }
}
