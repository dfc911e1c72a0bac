package io.jtau.runtime.wasm;

/**
 * A PubSub message event (type 2, §3.3).
 *
 * @param topic {@code <projectHash>/<channel>}
 * @param data the payload
 */
record PubSubEvent(String topic, byte[] data) {}
