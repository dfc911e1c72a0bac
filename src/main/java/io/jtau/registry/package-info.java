/** Commit-versioned snapshots and current pointers on Xodus. */
package io.jtau.registry;
