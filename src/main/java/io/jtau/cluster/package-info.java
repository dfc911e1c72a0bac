/** Membership, discovery and messaging between nodes. */
package io.jtau.cluster;
