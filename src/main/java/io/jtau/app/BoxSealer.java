package io.jtau.app;

import io.jtau.access.Redactor;
import io.jtau.access.SecretBox;
import io.jtau.port.SecretSealer;

/**
 * Seals project-config secrets (database encryption keys in the registry) with the node's one
 * {@link SecretBox}, and tells the {@link Redactor} every plaintext it seals or opens so the value
 * is removed from every later log line and error answer. Thread-safe.
 */
final class BoxSealer implements SecretSealer {

  private final SecretBox box;
  private final Redactor redactor;

  BoxSealer(SecretBox box, Redactor redactor) {
    this.box = box;
    this.redactor = redactor;
  }

  @Override
  public String seal(String plaintext, String context) {
    known(plaintext);
    return box.seal(plaintext, context);
  }

  @Override
  public String open(String sealed, String context) {
    return known(box.open(sealed, context));
  }

  @Override
  public boolean isSealed(String text) {
    return SecretBox.isSealed(text);
  }

  private String known(String secret) {
    if (secret != null && secret.length() >= 8) {
      try {
        redactor.register(secret);
      } catch (IllegalStateException e) {
        // The redactor's table is full: the value is still sealed at rest.
      }
    }
    return secret;
  }
}
