package io.jtau.runtime.wasm;

import java.util.Objects;

/**
 * What a PubSub or P2P invocation produced.
 *
 * @param ok true when the guest returned normally
 * @param reason short reason of a failure (trap, timeout, quota...), empty when ok
 * @param result the entry call's i32 result, 0 for void exports or failures
 * @param responseData for P2P events, the bytes the guest set with {@code writeP2PResponse}
 *     (response entry {@code data}); null when it set none or for PubSub events
 * @param log guest output (WASI stdout/stderr, {@code env._log}), bounded
 */
public record EventResult(boolean ok, String reason, int result, byte[] responseData, String log) {

  public EventResult {
    reason = Objects.requireNonNullElse(reason, "");
    log = Objects.requireNonNullElse(log, "");
  }
}
