/** Pub/sub channels and the WebSocket bridge. */
package io.jtau.runtime.pubsub;
