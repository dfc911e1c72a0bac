package io.jtau.access;

import java.util.EnumSet;
import java.util.Set;

/** Who made a request, as established from its credentials. Immutable. */
public sealed interface Principal {

  /** What the audit log records as the actor. */
  String actor();

  /** Whether this principal holds {@code scope} on {@code project}. */
  boolean may(Scope scope, String project);

  /** The node's operator: every scope on every project, and the node-wide APIs. */
  record Operator() implements Principal {
    @Override
    public String actor() {
      return "operator";
    }

    @Override
    public boolean may(Scope scope, String project) {
      return true;
    }
  }

  /** A project token: only its scopes, only on its project. */
  record ProjectToken(String id, String name, String project, Set<Scope> scopes)
      implements Principal {
    public ProjectToken {
      scopes = Set.copyOf(scopes.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(scopes));
    }

    @Override
    public String actor() {
      return "token:" + id + (name == null || name.isEmpty() ? "" : "(" + name + ")");
    }

    @Override
    public boolean may(Scope scope, String p) {
      if (!project.equals(p)) {
        return false;
      }
      // A token that may push may also clone what it pushes to.
      return scopes.contains(scope) || (scope == Scope.READ && scopes.contains(Scope.PUSH));
    }
  }

  /** No credentials; may only clone projects that opted in to anonymous read. */
  record Anonymous() implements Principal {
    @Override
    public String actor() {
      return "anonymous";
    }

    @Override
    public boolean may(Scope scope, String project) {
      return false;
    }
  }
}
