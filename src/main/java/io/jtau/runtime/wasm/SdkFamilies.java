package io.jtau.runtime.wasm;

import java.util.List;

/** Registers the {@code taubyte/sdk} families beyond events (§3.5–§3.15). */
final class SdkFamilies {

  private SdkFamilies() {}

  static void register(List<HostSpec> out) {}
}
