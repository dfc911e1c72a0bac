package io.jtau.runtime.wasm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A message delivered to a subscribed function as a PubSub event (type 2, §3.3, §4.7).
 *
 * @param topic {@code <projectHash>/<channel>} as carried on the wire (§5.4); a guest reading the
 *     channel gets the part after the single {@code /}
 * @param data the payload
 */
public record PubSubMessage(String topic, byte[] data) {

  public PubSubMessage {
    Objects.requireNonNull(topic, "topic");
    data = data == null ? new byte[0] : data.clone();
  }

  /** The message published on {@code channel} of a project/application (topic of §5.4). */
  public static PubSubMessage on(String project, String application, String channel, byte[] data) {
    return new PubSubMessage(projectHash(project, application) + "/" + channel, data);
  }

  /**
   * {@code projectHash} of §5.4: base58btc of the sha2-256 multihash of {@code project +
   * application}. Pure.
   */
  public static String projectHash(String project, String application) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((project + application).getBytes(StandardCharsets.UTF_8));
      byte[] mh = new byte[d.length + 2];
      mh[0] = 0x12;
      mh[1] = 0x20;
      System.arraycopy(d, 0, mh, 2, d.length);
      return Base58.encode(mh);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
