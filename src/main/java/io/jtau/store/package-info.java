/** Content-addressed blocks and files: CIDv1 over UnixFS, durable writes, verification on read. */
package io.jtau.store;
