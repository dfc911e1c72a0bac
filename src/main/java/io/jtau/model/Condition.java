package io.jtau.model;

/**
 * A status condition of a project or resource ({@code Ready}, {@code Reconciling}, {@code
 * Stalled}), with the reason, a human message and the revision it was observed at.
 */
public record Condition(
    String type,
    boolean status,
    String reason,
    String message,
    String observedRevision,
    long lastTransitionMillis) {}
