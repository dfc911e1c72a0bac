/**
 * Config repository to model: the tau v1 config compiler ({@link io.jtau.schema.ConfigCompiler}),
 * the compiled object codec ({@link io.jtau.schema.CompiledObject}) and {@code tau validate}
 * ({@link io.jtau.schema.Validator}). Depends on {@code io.jtau.model}, the JDK, SnakeYAML and
 * Jackson only.
 *
 * <p>Decisions where the spec (shared/spec/config-format.md) leaves a choice:
 *
 * <ul>
 *   <li>every problem of a commit is reported, sorted by file, line, column (tau stops at the
 *       first);
 *   <li>negative sizes and negative durations are errors (tau accepts both; no timeout, TTL or size
 *       can be negative);
 *   <li>names differing only by case in one group and scope (and application folders, and fqdns
 *       after lower-casing) are warnings: tau compiles them as distinct names;
 *   <li>unknown keys, project-wide duplicate ids, stems outside tau-cli's pattern, {@code
 *       replicas}, an alias shadowed by its canonical key and an inline key shadowed by a file are
 *       warnings; duplicate ids within one group of one scope stay errors (parity);
 *   <li>a resource or application name that is empty, {@code .}, {@code ..} or holds {@code /},
 *       {@code \} or a control character (possible only through inline map keys) is an error: names
 *       become registry key segments;
 *   <li>{@code x/} next to {@code x.yaml} is an error naming both; the folder is used;
 *   <li>a file holding several YAML documents: the first is read, with a warning; YAML merge keys
 *       ({@code <<}) are not expanded (the key is reported as unknown);
 *   <li>more than {@link io.jtau.schema.ConfigCompiler#MAX_RESOURCES} resources is an error; files
 *       above 3 MiB, non-UTF-8 or NUL bytes, alias expansion above one million nodes, nesting
 *       deeper than 100 and any YAML tag outside the core schema are errors naming the file.
 * </ul>
 */
package io.jtau.schema;
