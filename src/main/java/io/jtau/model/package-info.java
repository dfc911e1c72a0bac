/**
 * Immutable values shared by every component: identifiers, the compiled project configuration,
 * snapshots, plans, problems and reconcile results. Depends on the JDK only.
 */
package io.jtau.model;
