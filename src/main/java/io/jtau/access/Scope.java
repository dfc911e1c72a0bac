package io.jtau.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a project token may do on its project. {@code read}: status, events, history, builds and
 * their logs, clone; {@code push}: git push (implies clone); {@code deploy}: manual reconcile,
 * domains; {@code data}: databases, storages, channels; {@code admin}: the project's own tokens and
 * access settings.
 */
public enum Scope {
  READ,
  PUSH,
  DEPLOY,
  DATA,
  ADMIN;

  /** The lower-case name used on the command line and in the API. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses one scope name; the error names the allowed values. */
  public static Scope parse(String s) {
    for (Scope v : values()) {
      if (v.label().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown scope '" + s + "' (allowed: read, push, deploy, data, admin)");
  }

  /** Parses a comma-separated list of scopes; at least one is required. */
  public static Set<Scope> parseList(String csv) {
    EnumSet<Scope> out = EnumSet.noneOf(Scope.class);
    if (csv != null) {
      for (String part : csv.split(",")) {
        if (!part.isBlank()) {
          out.add(parse(part));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "at least one scope is required (read, push, deploy, data, admin)");
    }
    return out;
  }
}
