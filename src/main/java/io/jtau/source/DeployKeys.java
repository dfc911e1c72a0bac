package io.jtau.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** Generates deploy keys (ECDSA P-256) for repositories registered through a host's API. */
public final class DeployKeys {

  /** A generated key: the OpenSSH private key text and the public key line to give the host. */
  public record Generated(byte[] openSshPrivateKey, String publicKeyLine) {
    @Override
    public String toString() {
      return "Generated[" + publicKeyLine + ", ****]";
    }
  }

  private DeployKeys() {}

  /** A fresh key pair; {@code comment} ends the public line (e.g. {@code jtau@node/project}). */
  public static Generated generate(SecureRandom random, String comment) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair kp = g.generateKeyPair();
      ByteArrayOutputStream priv = new ByteArrayOutputStream();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, comment, null, priv);
      String pub = PublicKeyEntry.toString(kp.getPublic()) + " " + comment;
      return new Generated(priv.toByteArray(), pub);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot generate a deploy key", e);
    }
  }
}
