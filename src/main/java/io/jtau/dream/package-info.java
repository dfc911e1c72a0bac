/** The local-cloud harness used by tau dream and by end-to-end tests. */
package io.jtau.dream;
