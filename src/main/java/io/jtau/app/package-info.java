/**
 * Quarkus wiring, configuration, REST endpoints and CLI commands; the only package that imports
 * Quarkus.
 */
package io.jtau.app;
