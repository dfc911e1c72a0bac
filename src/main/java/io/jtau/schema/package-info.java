/**
 * Config repo to model: YAML reading with limits, validation with file:line:col problems, the
 * compiler.
 */
package io.jtau.schema;
