package io.jtau.runtime.wasm;

/** A PubSub message event (type 2, §3.3). Immutable. */
record PubSubEvent(PubSubMessage message) {

  /**
   * The channel part of the topic, or null when the topic does not split into exactly two parts on
   * {@code /} (so a channel containing {@code /} always fails, as in tau).
   */
  String channel() {
    String[] parts = message.topic().split("/", -1);
    return parts.length == 2 ? parts[1] : null;
  }
}
