/** Key/value databases and globals. */
package io.jtau.runtime.kv;
