package io.jtau.runtime.wasm;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The node's peer-to-peer side as a guest reaches it (§3.10), scoped to the invocation's project
 * and application. Implementations must be thread-safe; calls happen on the guest's worker thread
 * and must bound their own waiting (the invocation deadline does not interrupt them).
 */
public interface P2PNode {

  /** Opens (or reuses) a stream for {@code protocol}; false when it cannot (guest sees 45). */
  boolean open(String protocol);

  /**
   * Sends command {@code command} with body {@code {"data": data}} on {@code protocol} to some peer
   * serving it, or to {@code toPeer} (binary CID) when not null, and returns the response body map.
   *
   * @throws P2PException when the send fails (guest sees 43)
   */
  Map<String, Object> send(String protocol, String command, byte[] data, byte[] toPeer)
      throws P2PException;

  /**
   * Up to {@code max} peers of the project as binary CIDs, found within {@code timeout}.
   *
   * @throws P2PException when discovery fails (guest sees 117)
   */
  List<byte[]> discover(int max, Duration timeout) throws P2PException;

  /**
   * Starts listening on {@code protocol} and returns the project-specific protocol actually
   * listened on.
   *
   * @throws P2PException when listening fails (guest sees 48)
   */
  String listen(String protocol) throws P2PException;

  /** A failed peer-to-peer operation; the message is for logs, never shown to guests. */
  final class P2PException extends Exception {
    public P2PException(String message) {
      super(message);
    }
  }
}
