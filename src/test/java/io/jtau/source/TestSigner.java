package io.jtau.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;

/** An OpenPGP key made in the test, signing commit payloads as git does (detached, armored). */
final class TestSigner {

  private final PGPKeyPair pair;
  private final BouncyCastleProvider bc = new BouncyCastleProvider();

  TestSigner() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    pair = new JcaPGPKeyPair(PGPPublicKey.RSA_GENERAL, kp, new Date(1_700_000_000_000L));
  }

  String armoredPublicKey() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream a = new ArmoredOutputStream(out)) {
      new PGPPublicKeyRing(List.of(pair.getPublicKey())).encode(a);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  String sign(byte[] payload) {
    try {
      PGPSignatureGenerator g =
          new PGPSignatureGenerator(
              new JcaPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256)
                  .setProvider(bc),
              pair.getPublicKey());
      g.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
      g.update(payload);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArmoredOutputStream a = new ArmoredOutputStream(out)) {
        g.generate().encode(a);
      }
      return out.toString(StandardCharsets.US_ASCII);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
