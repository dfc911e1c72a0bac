package io.jtau.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Which SSH host keys a repository's server may present. Each entry is a {@code SHA256:}
 * fingerprint (as printed by {@code ssh-keyscan HOST | ssh-keygen -lf -}), an OpenSSH public key
 * line ({@code ssh-ed25519 AAAA...}, optionally preceded by host names as in {@code known_hosts}),
 * or the word {@code first-use}: trust the first key seen and pin it in the mirror folder. With no
 * entry, every host key is refused — an unknown host is never trusted silently. Immutable,
 * thread-safe.
 */
public record SshHostKeys(List<String> fingerprints, boolean firstUse) {

  /** The word that asks for trust on first use. */
  public static final String FIRST_USE = "first-use";

  public SshHostKeys {
    fingerprints = List.copyOf(fingerprints);
  }

  /** No key is trusted: every connection over SSH is refused with the key's fingerprint. */
  public static SshHostKeys none() {
    return new SshHostKeys(List.of(), false);
  }

  /** Trust on first use only. */
  public static SshHostKeys trustOnFirstUse() {
    return new SshHostKeys(List.of(), true);
  }

  public boolean isEmpty() {
    return fingerprints.isEmpty() && !firstUse;
  }

  /**
   * Parses entries as stored or given at registration. Throws {@link IllegalArgumentException}
   * naming the entry (by position) that is neither a fingerprint, a public key line nor {@code
   * first-use}; the message quotes no more than the entry's start.
   */
  public static SshHostKeys parse(List<String> entries) {
    List<String> prints = new ArrayList<>();
    boolean tofu = false;
    if (entries == null) {
      return none();
    }
    for (int i = 0; i < entries.size(); i++) {
      String e = entries.get(i) == null ? "" : entries.get(i).strip();
      if (e.toLowerCase(Locale.ROOT).equals(FIRST_USE)) {
        tofu = true;
      } else if (e.startsWith("SHA256:")) {
        String b64 = e.substring(7);
        if (!b64.matches("[A-Za-z0-9+/]{43}=?")) {
          throw bad(i, e);
        }
        prints.add("SHA256:" + (b64.endsWith("=") ? b64.substring(0, 43) : b64));
      } else {
        SshSignatures.AllowedKey k = SshSignatures.parseAllowed(e);
        if (k == null) {
          throw bad(i, e);
        }
        prints.add(k.fingerprint());
      }
    }
    return new SshHostKeys(prints, tofu);
  }

  /** The entries to store: fingerprints, then {@code first-use} when asked. */
  public List<String> entries() {
    List<String> out = new ArrayList<>(fingerprints);
    if (firstUse) {
      out.add(FIRST_USE);
    }
    return out;
  }

  /** Whether {@code key} is one of the pinned keys (first use is decided by the caller). */
  boolean pinned(java.security.PublicKey key) {
    return fingerprints.contains(KeyUtils.getFingerPrint(key));
  }

  private static IllegalArgumentException bad(int i, String e) {
    String shown = e.replaceAll("[^\\x20-\\x7e]", "?");
    if (shown.length() > 24) {
      shown = shown.substring(0, 24) + "...";
    }
    return new IllegalArgumentException(
        "sshHostKeys: entry #"
            + (i + 1)
            + " ('"
            + shown
            + "') is not a SHA256: fingerprint, an OpenSSH public key line or first-use");
  }
}
