package io.jtau.runtime.wasm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An incoming P2P command delivered to a function as a P2P event (type 3, §3.4, §4.7).
 *
 * @param command the command name (a body entry {@code command} overrides it when the guest reads
 *     it, as tau does)
 * @param body the command body: string keys to values; {@code data} should be a {@code byte[]},
 *     {@code protocol} a {@code String}; other values may be strings, byte arrays, numbers or
 *     booleans (used when the guest asks for the JSON of the whole body)
 * @param fromPeer the remote peer id as binary CID (CIDv1, codec libp2p-key); empty when unknown
 * @param toPeer the local peer id as binary CID; empty when unknown
 */
public record P2PRequest(String command, Map<String, Object> body, byte[] fromPeer, byte[] toPeer) {

  public P2PRequest {
    Objects.requireNonNull(command, "command");
    body = Collections.unmodifiableMap(new LinkedHashMap<>(body == null ? Map.of() : body));
    fromPeer = fromPeer == null ? new byte[0] : fromPeer.clone();
    toPeer = toPeer == null ? new byte[0] : toPeer.clone();
  }

  /**
   * A binary peer-id CID (CIDv1, codec libp2p-key 0x72) for an identity multihash of {@code key};
   * for tests and local runs where no real peer identity exists. Pure.
   */
  public static byte[] peerId(byte[] key) {
    byte[] out = new byte[4 + key.length];
    out[0] = 0x01;
    out[1] = 0x72;
    out[2] = 0x00; // identity multihash
    out[3] = (byte) key.length;
    System.arraycopy(key, 0, out, 4, key.length);
    return out;
  }
}
