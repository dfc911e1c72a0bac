/** Git: repositories on disk, the embedded smart-HTTP server, the hardened tree reader. */
package io.jtau.source;
