/**
 * Who may do what on a node: operator and per-project tokens (stored hashed, compared in constant
 * time), the path policy table that maps every request to the scope and project it needs, the
 * authentication-failure limiter, the audit log, the secret box that encrypts secrets at rest and
 * the redactor that keeps tokens and registered secrets out of logs and answers. Plain Java: no
 * Quarkus, no other component.
 */
package io.jtau.access;
