package io.jtau.source;

import java.util.Arrays;

/**
 * How a fetch authenticates, in memory only for the duration of a fetch. {@code toString} never
 * shows the secret.
 */
public sealed interface Credentials
    permits Credentials.None, Credentials.Token, Credentials.DeployKey {

  /** Anonymous access (public repositories, the node's own Git server). */
  record None() implements Credentials {}

  /** An HTTPS token, sent as the password of {@code username} (hosts ignore the user name). */
  record Token(String username, char[] token) implements Credentials {
    @Override
    public String toString() {
      return "Token[" + username + ", ****]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Token t && t.username.equals(username) && Arrays.equals(t.token, token);
    }

    @Override
    public int hashCode() {
      return username.hashCode();
    }
  }

  /** An SSH private key in OpenSSH format (unencrypted). */
  record DeployKey(byte[] openSshPrivateKey) implements Credentials {
    @Override
    public String toString() {
      return "DeployKey[****]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DeployKey d && Arrays.equals(d.openSshPrivateKey, openSshPrivateKey);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(openSshPrivateKey);
    }
  }
}
