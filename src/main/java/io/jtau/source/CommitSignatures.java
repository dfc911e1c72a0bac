package io.jtau.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * A project's signature policy: a commit is acceptable only when it carries a signature that
 * verifies under one of the allowed public keys — an OpenPGP signature under an allowed armored
 * OpenPGP key, or an SSH signature (namespace {@code git}, see {@link SshSignatures}) under an
 * allowed OpenSSH public key. Unsigned commits, signatures by other keys, altered commits and
 * signatures of a kind the policy has no key for are refused with the reason. Results are cached
 * per commit id. Thread-safe.
 */
public final class CommitSignatures {

  /** The verdict on one commit. */
  public record Verdict(boolean accepted, String reason) {}

  private final PGPPublicKeyRingCollection keys;
  private final List<SshSignatures.AllowedKey> sshKeys;
  private final BouncyCastleProvider provider = new BouncyCastleProvider();
  private final Map<String, Verdict> cache = new ConcurrentHashMap<>();

  private CommitSignatures(
      PGPPublicKeyRingCollection keys, List<SshSignatures.AllowedKey> sshKeys) {
    this.keys = keys;
    this.sshKeys = List.copyOf(sshKeys);
  }

  /**
   * Parses the allowed keys: each an ASCII-armored OpenPGP public key block, or an OpenSSH public
   * key line ({@code ssh-ed25519 AAAA...}, {@code ecdsa-sha2-nistp256 ...}, {@code ssh-rsa ...}; a
   * line of an {@code allowed_signers} file is accepted too, its principals are ignored). Throws
   * {@link IllegalArgumentException} naming the entry that does not parse.
   */
  public static CommitSignatures of(List<String> armoredKeys) {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    List<SshSignatures.AllowedKey> ssh = new ArrayList<>();
    for (int i = 0; i < armoredKeys.size(); i++) {
      String k = armoredKeys.get(i);
      if (k == null) {
        throw new IllegalArgumentException("allowed signer #" + (i + 1) + " is empty");
      }
      if (!k.strip().startsWith("-----BEGIN PGP")) {
        SshSignatures.AllowedKey key = SshSignatures.parseAllowed(k);
        if (key == null) {
          throw new IllegalArgumentException(
              "allowed signer #"
                  + (i + 1)
                  + " is neither an armored OpenPGP public key nor an OpenSSH public key line"
                  + " (ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa)");
        }
        ssh.add(key);
        continue;
      }
      try (InputStream in =
          PGPUtil.getDecoderStream(new ByteArrayInputStream(k.getBytes(StandardCharsets.UTF_8)))) {
        PGPPublicKeyRingCollection c =
            new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
        int before = rings.size();
        c.getKeyRings().forEachRemaining(rings::add);
        if (rings.size() == before) {
          throw new IllegalArgumentException("empty");
        }
      } catch (IOException | PGPException | RuntimeException e) {
        throw new IllegalArgumentException(
            "allowed signer #" + (i + 1) + " is not an armored OpenPGP public key");
      }
    }
    if (rings.isEmpty() && ssh.isEmpty()) {
      throw new IllegalArgumentException(
          "a signature policy needs at least one OpenPGP or SSH public key");
    }
    return new CommitSignatures(new PGPPublicKeyRingCollection(rings), ssh);
  }

  /** Verifies a commit given its id and raw object bytes. */
  public Verdict verify(String commitId, byte[] rawCommit) {
    return cache.computeIfAbsent(commitId, id -> check(rawCommit));
  }

  private Verdict check(byte[] raw) {
    byte[][] split = splitSignature(raw);
    if (split == null) {
      return new Verdict(false, "not signed");
    }
    String armored = new String(split[1], StandardCharsets.UTF_8);
    if (armored.startsWith(SshSignatures.BEGIN)) {
      return SshSignatures.verify(split[0], armored, sshKeys);
    }
    if (!armored.startsWith("-----BEGIN PGP SIGNATURE-----")) {
      return new Verdict(false, "signature is neither OpenPGP nor SSH");
    }
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(split[1]))) {
      JcaPGPObjectFactory f = new JcaPGPObjectFactory(in);
      Object o = f.nextObject();
      if (o instanceof PGPCompressedData cd) {
        o = new JcaPGPObjectFactory(cd.getDataStream()).nextObject();
      }
      if (!(o instanceof PGPSignatureList list) || list.isEmpty()) {
        return new Verdict(false, "signature does not parse");
      }
      PGPSignature sig = list.get(0);
      PGPPublicKey key = keys.getPublicKey(sig.getKeyID());
      if (key == null && !sshKeys.isEmpty() && !keys.getKeyRings().hasNext()) {
        return new Verdict(false, "signed with an OpenPGP key; this project allows SSH keys only");
      }
      if (key == null) {
        return new Verdict(
            false,
            "signed by key "
                + Long.toHexString(sig.getKeyID()).toUpperCase()
                + ", which is not allowed");
      }
      sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(provider), key);
      sig.update(split[0]);
      if (!sig.verify()) {
        return new Verdict(false, "signature does not verify (the commit was altered)");
      }
      return new Verdict(
          true, "signed by allowed key " + Long.toHexString(sig.getKeyID()).toUpperCase());
    } catch (IOException | PGPException | RuntimeException e) {
      return new Verdict(false, "signature does not parse");
    }
  }

  /**
   * Splits a raw commit into (signed payload, signature) by removing the {@code gpgsig} header and
   * its continuation lines; null when the commit has no signature.
   */
  static byte[][] splitSignature(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headerEnd = text.indexOf("\n\n");
    if (headerEnd < 0) {
      headerEnd = text.length();
    }
    int start = -1;
    for (String h : new String[] {"\ngpgsig ", "\ngpgsig-sha256 "}) {
      int at = text.indexOf(h);
      if (at >= 0 && at < headerEnd) {
        start = at + 1;
        break;
      }
    }
    if (start < 0) {
      return null;
    }
    int end = text.indexOf('\n', start);
    StringBuilder sig = new StringBuilder(text.substring(text.indexOf(' ', start) + 1, end));
    while (end + 1 < text.length() && text.charAt(end + 1) == ' ') {
      int next = text.indexOf('\n', end + 1);
      sig.append('\n').append(text, end + 2, next);
      end = next;
    }
    sig.append('\n');
    ByteArrayOutputStream payload = new ByteArrayOutputStream(raw.length);
    payload.write(raw, 0, start);
    payload.write(raw, end + 1, raw.length - end - 1);
    return new byte[][] {
      payload.toByteArray(), sig.toString().getBytes(StandardCharsets.ISO_8859_1)
    };
  }
}
