package io.jtau.runtime.wasm;

import java.util.Optional;

/**
 * Backends a guest reaches through {@code taubyte/sdk}: databases, globals, storage, content,
 * pubsub, p2p. Every method has a default meaning "not available here", so a caller implements only
 * what its node offers; the guest then sees the errno tau returns for a missing resource.
 *
 * <p>Implementations must be thread-safe: one instance may serve many concurrent invocations. Calls
 * are made on the guest's worker thread and may block; they are not interrupted by the invocation
 * deadline, so an implementation must bound its own waiting.
 */
public interface GuestServices {

  /**
   * Opens the database matching {@code name} (configured name or regex match) among the database
   * resources of the invocation's project and application (§3.6); empty when none matches.
   */
  default Optional<KeyValueStore> database(Invocation inv, String name) {
    return Optional.empty();
  }

  /** The project's global store (§3.7), opened once per instance; empty when unavailable. */
  default Optional<KeyValueStore> globals(Invocation inv) {
    return Optional.empty();
  }

  /** Publishes on a channel of the caller's project/application (§3.9); false when refused. */
  default boolean publish(Invocation inv, String channel, byte[] data) {
    return false;
  }

  /** Subscribes the calling function to a channel (§3.9); false when refused. */
  default boolean subscribe(Invocation inv, String channel) {
    return false;
  }

  /**
   * The WebSocket path {@code ws-<projectHash>/<channel>} when a messaging resource matching the
   * channel has WebSocket enabled (§3.9); empty otherwise.
   */
  default Optional<String> webSocketPath(Invocation inv, String channel) {
    return Optional.empty();
  }

  /**
   * Finds the library module imported under {@code name} (e.g. {@code libraries/utils}), looking in
   * the application scope first, then the project (§4.2); empty when there is none, which fails the
   * invocation as unlinkable.
   */
  default Optional<ModuleSource> resolveModule(Invocation inv, String name) {
    return Optional.empty();
  }

  /**
   * The node's peer-to-peer side for the invocation's project/application (§3.10); empty when this
   * node offers none (guests then see 45 on {@code newCommand}, 48 on listen, 117 on discovery).
   */
  default Optional<P2PNode> p2p(Invocation inv) {
    return Optional.empty();
  }

  /**
   * The storage resource matching {@code name} among the invocation's project and application
   * (§3.8), creating its store when {@code create} ({@code storageNew}) or only if it exists
   * ({@code storageGet}); empty when none matches.
   */
  default Optional<FileStorage> storage(Invocation inv, String name, boolean create) {
    return Optional.empty();
  }

  /** The content store behind {@code storageOpenCid}/{@code contentPushFile}; empty if none. */
  default Optional<ContentStore> content(Invocation inv) {
    return Optional.empty();
  }

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
