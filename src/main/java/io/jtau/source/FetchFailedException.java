package io.jtau.source;

/**
 * A fetch from a remote failed; the mirror is unchanged and keeps serving its last commit. The
 * message says what failed (unreachable, timed out, refused, redirected, not found) and never holds
 * a credential.
 */
public final class FetchFailedException extends Exception {
  public FetchFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  public FetchFailedException(String message) {
    super(message);
  }
}
