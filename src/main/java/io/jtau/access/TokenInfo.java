package io.jtau.access;

import java.util.Set;

/**
 * A project token as lists and the API show it: never the token itself nor its hash.
 *
 * @param id names the token (revocation, audit); not secret
 * @param name a label chosen by its creator, may be empty
 * @param project the only project the token acts on
 * @param scopes what it may do there
 * @param createdAtMillis creation time
 * @param createdBy the actor that created it
 */
public record TokenInfo(
    String id,
    String name,
    String project,
    Set<Scope> scopes,
    long createdAtMillis,
    String createdBy) {
  public TokenInfo {
    scopes = Set.copyOf(scopes);
    name = name == null ? "" : name;
  }
}
