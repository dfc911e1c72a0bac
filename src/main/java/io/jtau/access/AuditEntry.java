package io.jtau.access;

/**
 * One line of the audit log.
 *
 * @param sequence position in the log, from 1, without gaps
 * @param atMillis when it was recorded
 * @param actor who ({@code operator}, {@code token:<id>(name)}, {@code anonymous}, {@code
 *     reconciler})
 * @param action what: {@code push}, {@code deploy}, {@code rollback}, {@code redeploy}, {@code
 *     data.read}, {@code data.write}, {@code token.create}, {@code token.revoke}, {@code
 *     access.change}, {@code reconcile.request}
 * @param project the project acted on, empty for node-wide actions
 * @param detail a short human text (refs and commits, token id, path); never a secret
 */
public record AuditEntry(
    long sequence, long atMillis, String actor, String action, String project, String detail) {}
