package io.jtau.runtime.wasm;

import io.jtau.model.Cid;
import java.util.Objects;

/**
 * The bytes of a library module found by name (§4.2), with the content id they are compiled and
 * cached under.
 *
 * @param cid content id of {@code wasm}
 * @param wasm the module binary (raw wasm; unpacking zip/LZW artifacts is the resolver's job)
 */
public record ModuleSource(Cid cid, byte[] wasm) {
  public ModuleSource {
    Objects.requireNonNull(cid, "cid");
    Objects.requireNonNull(wasm, "wasm");
  }
}
