package io.jtau.runtime.pubsub;

import java.util.Objects;

/**
 * A channel inside a namespace. The namespace is an opaque string the caller derives from who owns
 * the channel (the node uses project, branch and the §5.4 project hash); two namespaces never share
 * messages, whatever the channel names.
 */
public record Topic(String namespace, String channel) {
  public Topic {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(channel, "channel");
  }
}
