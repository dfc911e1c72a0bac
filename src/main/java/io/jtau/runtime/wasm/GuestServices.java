package io.jtau.runtime.wasm;

/**
 * Backends a guest reaches through {@code taubyte/sdk}: databases, globals, storage, pubsub and
 * p2p. Every method has a default meaning "not available here", so a caller implements only what
 * its node offers; the guest then sees the errno tau returns for a missing resource.
 *
 * <p>Implementations must be thread-safe: one instance may serve many concurrent invocations. Calls
 * are made on the guest's worker thread and may block; they are not interrupted by the invocation
 * deadline, so an implementation must bound its own waiting.
 */
public interface GuestServices {

  /** Services that offer nothing. */
  static GuestServices none() {
    return NoServices.INSTANCE;
  }
}

/** The {@link GuestServices#none()} singleton. */
final class NoServices implements GuestServices {
  static final NoServices INSTANCE = new NoServices();

  private NoServices() {}
}
