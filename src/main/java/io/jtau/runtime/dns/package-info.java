/** Authoritative DNS for the cloud FQDN. */
package io.jtau.runtime.dns;
