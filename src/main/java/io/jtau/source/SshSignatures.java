package io.jtau.source;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Verification of SSH signatures on Git commits (the armored {@code SSH SIGNATURE} block that
 * {@code git -c gpg.format=ssh commit -S} and {@code ssh-keygen -Y sign -n git} write): the blob is
 * parsed (magic {@code SSHSIG}, version 1, public key, namespace, reserved, hash algorithm,
 * signature), the namespace must be {@code git}, the hash {@code sha256} or {@code sha512}, the
 * embedded public key must equal one of the allowed keys, and the signature must verify over the
 * signed-data structure built from the commit payload. Ed25519, ECDSA (P-256/384/521) and RSA
 * ({@code rsa-sha2-256}/{@code rsa-sha2-512}) keys are accepted; security-key ({@code sk-})
 * signatures and SHA-1 RSA signatures are refused. Stateless and thread-safe.
 */
final class SshSignatures {

  /** Public key types an allowed-signer line may start with. */
  private static final List<String> KEY_TYPES =
      List.of(
          "ssh-ed25519",
          "ssh-rsa",
          "ecdsa-sha2-nistp256",
          "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521");

  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
  static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
  private static final String END = "-----END SSH SIGNATURE-----";

  /** One allowed SSH public key with its {@code SHA256:} fingerprint. */
  record AllowedKey(PublicKey key, String fingerprint) {}

  private SshSignatures() {}

  /**
   * Parses an allowed key: an OpenSSH public key line ({@code ssh-ed25519 AAAA... comment}),
   * optionally preceded by principals and options as in an {@code allowed_signers} file. Returns
   * null when the text holds no SSH public key of a known type.
   */
  static AllowedKey parseAllowed(String text) {
    String line = text.strip();
    if (line.contains("\n")) {
      return null;
    }
    String[] words = line.split("\\s+");
    for (int i = 0; i < words.length; i++) {
      if (KEY_TYPES.contains(words[i]) && i + 1 < words.length) {
        try {
          PublicKey k =
              PublicKeyEntry.parsePublicKeyEntry(words[i] + " " + words[i + 1])
                  .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
          if (k == null) {
            return null;
          }
          return new AllowedKey(k, KeyUtils.getFingerPrint(k));
        } catch (java.io.IOException | GeneralSecurityException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * Verifies an armored SSH signature over {@code payload} (the commit without its signature
   * header) against {@code allowed}. Never throws: every failure is a refusing verdict with the
   * reason.
   */
  static CommitSignatures.Verdict verify(byte[] payload, String armored, List<AllowedKey> allowed) {
    if (allowed.isEmpty()) {
      return new CommitSignatures.Verdict(
          false, "signed with an SSH key; this project allows OpenPGP keys only");
    }
    byte[] blob;
    try {
      blob = dearmor(armored);
    } catch (IllegalArgumentException e) {
      return new CommitSignatures.Verdict(false, "SSH signature does not parse");
    }
    try {
      Buffer b = new ByteArrayBuffer(blob);
      byte[] magic = new byte[MAGIC.length];
      b.getRawBytes(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        return refused("SSH signature does not parse (no SSHSIG magic)");
      }
      int version = b.getInt();
      if (version != 1) {
        return refused("SSH signature version " + version + " is not supported");
      }
      byte[] keyBlob = b.getBytes();
      String namespace = b.getString();
      byte[] reserved = b.getBytes();
      String hashAlg = b.getString();
      byte[] sigBlob = b.getBytes();
      if (!"git".equals(namespace)) {
        return refused("SSH signature is for namespace '" + clip(namespace) + "', not 'git'");
      }
      String digestName =
          switch (hashAlg) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> null;
          };
      if (digestName == null) {
        return refused("SSH signature uses hash '" + clip(hashAlg) + "', not sha256 or sha512");
      }
      PublicKey signer = new ByteArrayBuffer(keyBlob).getRawPublicKey();
      String fingerprint = KeyUtils.getFingerPrint(signer);
      AllowedKey match = null;
      for (AllowedKey a : allowed) {
        if (KeyUtils.compareKeys(a.key(), signer)) {
          match = a;
          break;
        }
      }
      if (match == null) {
        return refused("signed by SSH key " + fingerprint + ", which is not allowed");
      }
      String sigAlg = new ByteArrayBuffer(sigBlob).getString();
      NamedFactory<Signature> factory = factoryFor(signer, sigAlg);
      if (factory == null) {
        return refused(
            "SSH signature algorithm '"
                + clip(sigAlg)
                + "' is not accepted for a "
                + KeyUtils.getKeyType(signer)
                + " key");
      }
      byte[] hash = MessageDigest.getInstance(digestName).digest(payload);
      ByteArrayBuffer signed = new ByteArrayBuffer();
      signed.putRawBytes(MAGIC);
      signed.putString(namespace);
      signed.putBytes(reserved);
      signed.putString(hashAlg);
      signed.putBytes(hash);
      Signature verifier = factory.create();
      verifier.initVerifier(null, signer);
      verifier.update(null, signed.getCompactData());
      if (!verifier.verify(null, sigBlob)) {
        return refused("SSH signature does not verify (the commit was altered)");
      }
      return new CommitSignatures.Verdict(true, "signed by allowed SSH key " + fingerprint);
    } catch (Exception e) {
      return refused("SSH signature does not parse");
    }
  }

  /** The verifier for a signature algorithm, only when it fits the key's type (no SHA-1 RSA). */
  private static NamedFactory<Signature> factoryFor(PublicKey key, String sigAlg) {
    String type = KeyUtils.getKeyType(key);
    boolean fits =
        switch (sigAlg) {
          case "ssh-ed25519" -> "ssh-ed25519".equals(type);
          case "rsa-sha2-256", "rsa-sha2-512" -> "ssh-rsa".equals(type);
          case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521" ->
              sigAlg.equals(type);
          default -> false;
        };
    if (!fits) {
      return null;
    }
    BuiltinSignatures s = BuiltinSignatures.fromFactoryName(sigAlg);
    return s == null || !s.isSupported() ? null : s;
  }

  private static byte[] dearmor(String armored) {
    String text = armored.strip();
    if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
      throw new IllegalArgumentException("armor");
    }
    String body = text.substring(BEGIN.length(), text.length() - END.length());
    return Base64.getMimeDecoder().decode(body.replaceAll("\\s+", ""));
  }

  private static CommitSignatures.Verdict refused(String reason) {
    return new CommitSignatures.Verdict(false, reason);
  }

  /** Names from a signature are shown in statuses: keep them short and printable. */
  private static String clip(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return (p.length() > 40 ? p.substring(0, 40) + "..." : p).toLowerCase(Locale.ROOT);
  }
}
