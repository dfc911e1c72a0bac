package io.jtau.runtime.pubsub;

import java.util.Objects;

/**
 * One published message as subscribers receive it. The data array is shared by every subscriber and
 * must not be modified.
 *
 * @param sequence broker-wide publication number, increasing
 * @param source who published it (a function's resource id, {@code http}, a WebSocket connection);
 *     a subscriber whose id equals the source does not receive it
 * @param publishedNanos {@link System#nanoTime()} at publication, for latency figures
 */
public record Message(Topic topic, long sequence, String source, byte[] data, long publishedNanos) {
  public Message {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(data, "data");
  }
}
