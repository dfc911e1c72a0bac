/**
 * The small interfaces between components. Each has an in-memory or on-disk implementation and a
 * contract test every implementation passes.
 */
package io.jtau.port;
