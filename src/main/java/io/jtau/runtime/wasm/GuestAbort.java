package io.jtau.runtime.wasm;

/**
 * Thrown inside a host function (or by the runtime around the guest) to end an invocation with an
 * HTTP status and a short reason. Never escapes {@link WasmRuntime#invokeHttp}.
 */
final class GuestAbort extends RuntimeException {

  private final int status;

  GuestAbort(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
