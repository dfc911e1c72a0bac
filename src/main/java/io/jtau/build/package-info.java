/** CI: build jobs, builders per language, build cache keyed by input hash. */
package io.jtau.build;
