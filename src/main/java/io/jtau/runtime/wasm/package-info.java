/** The Chicory host: module cache by CID, the taubyte/sdk host module, WASI, limits. */
package io.jtau.runtime.wasm;
