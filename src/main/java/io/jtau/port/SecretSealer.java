package io.jtau.port;

/**
 * Encrypts secrets of project config (database encryption keys) before a component stores them, and
 * decrypts them when it reads them back; the node implements it with its one node key. The {@code
 * context} string is bound to the sealed value, which opens only under the same context.
 * Implementations are thread-safe and do no I/O.
 */
public interface SecretSealer {

  /** The sealed form of {@code plaintext}; sealing twice gives different texts. */
  String seal(String plaintext, String context);

  /**
   * The plaintext of a value {@link #seal} produced.
   *
   * @throws IllegalArgumentException when the value was altered, or sealed by another key or for
   *     another context (the message never includes the value)
   */
  String open(String sealed, String context);

  /** Whether {@code text} is a sealed value (stores written before sealing hold plaintext). */
  boolean isSealed(String text);

  /** Stores values as they are (tests and tools that keep no secret). */
  SecretSealer NONE =
      new SecretSealer() {
        @Override
        public String seal(String plaintext, String context) {
          return plaintext;
        }

        @Override
        public String open(String sealed, String context) {
          return sealed;
        }

        @Override
        public boolean isSealed(String text) {
          return false;
        }
      };
}
