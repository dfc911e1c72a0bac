package io.jtau.access;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path policy table: for a request (method and normalized path) the first matching {@link Row}
 * says what credentials it needs and where the project is in the path. A path no row matches needs
 * the operator token (default deny), so an endpoint added without a row is closed, never open.
 * Stateless and thread-safe.
 *
 * <p>Rows name the project by the regex group {@code p} (checked against the project-name grammar:
 * a malformed name is refused with 400 before anything else sees it) or by a <em>lookup</em>: the
 * group {@code id} is resolved to its project at request time (e.g. a build id); while no lookup is
 * wired the request needs the operator.
 */
public final class PathPolicy {

  /** What a row demands. */
  public enum Kind {
    /** No credentials (the handler may check its own, like webhook HMACs or the Git server). */
    PUBLIC,
    /** The operator token. */
    OPERATOR,
    /** Any valid token; the handler shows only what that token may read. */
    ANY_TOKEN,
    /** A scope on the project named by group {@code p}. */
    PROJECT,
    /** A scope on the project found by resolving group {@code id} with the named lookup. */
    LOOKUP
  }

  /**
   * One row of the table.
   *
   * @param methods {@code *} for any method, else a comma list ({@code GET} also covers {@code
   *     HEAD})
   * @param regex matched against the whole normalized path
   * @param kind what it demands
   * @param scope the scope for {@link Kind#PROJECT} and {@link Kind#LOOKUP}, else null
   * @param lookup the lookup name for {@link Kind#LOOKUP}, else null
   */
  public record Row(String methods, String regex, Kind kind, Scope scope, String lookup) {
    public Row {
      if ((kind == Kind.PROJECT || kind == Kind.LOOKUP) != (scope != null)) {
        throw new IllegalArgumentException("row " + regex + ": scope goes with PROJECT/LOOKUP");
      }
      if ((kind == Kind.LOOKUP) != (lookup != null)) {
        throw new IllegalArgumentException("row " + regex + ": lookup goes with LOOKUP");
      }
    }

    Pattern pattern() {
      return Pattern.compile(regex);
    }

    boolean methodMatches(String method) {
      if (methods.equals("*")) {
        return true;
      }
      String m = method.toUpperCase(Locale.ROOT);
      for (String allowed : methods.split(",")) {
        if (allowed.equals(m) || (allowed.equals("GET") && m.equals("HEAD"))) {
          return true;
        }
      }
      return false;
    }
  }

  /** What a request needs, after matching. */
  public sealed interface Requirement {
    /** No credentials needed. */
    record Public() implements Requirement {}

    /** The operator token. */
    record Operator() implements Requirement {}

    /** Any valid token. */
    record AnyToken() implements Requirement {}

    /** {@code scope} on {@code project}. */
    record OnProject(Scope scope, String project) implements Requirement {}

    /** {@code scope} on the project the lookup {@code lookup} finds for {@code key}. */
    record OnLookup(Scope scope, String lookup, String key) implements Requirement {}

    /** The request is malformed (e.g. a project name outside the grammar): 400. */
    record Invalid(String message) implements Requirement {}
  }

  /** The outcome for one request: allowed, or an HTTP status with a message. */
  public record Decision(int status, String message) {
    static final Decision ALLOW = new Decision(0, "");

    public boolean allowed() {
      return status == 0;
    }
  }

  private static final String P = "(?<p>[^/]+)";
  private static final String ID = "(?<id>[^/]+)";

  /** The table every node starts with, first match wins; see docs/security.md. */
  public static final List<Row> DEFAULT_ROWS =
      List.of(
          new Row("*", "/api/hooks(/.*)?", Kind.PUBLIC, null, null),
          new Row("GET", "/api/projects/?", Kind.ANY_TOKEN, null, null),
          new Row("*", "/api/projects/" + P + "/tokens(/.*)?", Kind.PROJECT, Scope.ADMIN, null),
          new Row("*", "/api/projects/" + P + "/access/?", Kind.PROJECT, Scope.ADMIN, null),
          new Row(
              "*",
              "/api/projects/" + P + "/(databases|storages|channels)(/.*)?",
              Kind.PROJECT,
              Scope.DATA,
              null),
          new Row("*", "/api/projects/" + P + "/domains(/.*)?", Kind.PROJECT, Scope.DEPLOY, null),
          new Row("POST", "/api/projects/" + P + "/reconcile/?", Kind.PROJECT, Scope.DEPLOY, null),
          new Row("GET", "/api/projects/" + P + "/?", Kind.PROJECT, Scope.READ, null),
          new Row(
              "GET",
              "/api/projects/"
                  + P
                  + "/(events|history|status|conditions|revisions|resources|plan|routes|builds"
                  + "|logs)(/.*)?",
              Kind.PROJECT,
              Scope.READ,
              null),
          new Row("GET", "/api/builds/" + ID + "(/.*)?", Kind.LOOKUP, Scope.READ, "build"),
          new Row(
              "POST",
              "/api/builds/" + ID + "/(cancel|retry)/?",
              Kind.LOOKUP,
              Scope.DEPLOY,
              "build"),
          new Row("*", "/api/tokens(/.*)?", Kind.OPERATOR, null, null),
          new Row("GET", "/api/audit/?", Kind.OPERATOR, null, null),
          new Row("*", "/api/dream(/.*)?", Kind.OPERATOR, null, null),
          new Row("*", "/api/store(/.*)?", Kind.OPERATOR, null, null),
          new Row("*", "/api/acme(/.*)?", Kind.OPERATOR, null, null),
          new Row("*", "/git/.*", Kind.PUBLIC, null, null),
          new Row("GET", "/q/health(/.*)?", Kind.PUBLIC, null, null),
          new Row("GET", "/q/metrics/?", Kind.OPERATOR, null, null),
          new Row("GET", "/\\.well-known/acme-challenge/[^/]+", Kind.PUBLIC, null, null));

  private static final Pattern PROJECT = TokenStore.PROJECT;
  private static final Pattern QUERY_CREDENTIAL =
      Pattern.compile(
          "(?i)(^|&)(token|access_token|access-token|api_key|apikey|private_token|auth|password)=");

  private final List<Row> rows;
  private final List<Pattern> patterns;

  public PathPolicy(List<Row> rows) {
    this.rows = List.copyOf(rows);
    this.patterns = this.rows.stream().map(Row::pattern).toList();
  }

  /** The default table. */
  public static PathPolicy defaults() {
    return new PathPolicy(DEFAULT_ROWS);
  }

  public List<Row> rows() {
    return rows;
  }

  /** What a request with this method and normalized path needs. */
  public Requirement requirement(String method, String path) {
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      if (!row.methodMatches(method)) {
        continue;
      }
      Matcher m = patterns.get(i).matcher(path);
      if (!m.matches()) {
        continue;
      }
      switch (row.kind()) {
        case PUBLIC:
          return new Requirement.Public();
        case OPERATOR:
          return new Requirement.Operator();
        case ANY_TOKEN:
          return new Requirement.AnyToken();
        case PROJECT:
          String p = m.group("p");
          if (!PROJECT.matcher(p).matches()) {
            return new Requirement.Invalid("'" + p + "' is not a project name");
          }
          return new Requirement.OnProject(row.scope(), p);
        case LOOKUP:
          return new Requirement.OnLookup(row.scope(), row.lookup(), m.group("id"));
        default:
          throw new AssertionError(row.kind());
      }
    }
    return new Requirement.Operator();
  }

  /**
   * What a request to the Git server needs: {@code push} for receive-pack (the ref advertisement
   * and the pack upload), {@code read} for everything else. {@code pathInfo} is the path below
   * {@code /git}, e.g. {@code /acme/config.git/info/refs}.
   */
  public static Requirement git(String pathInfo, String query) {
    if (pathInfo == null || !pathInfo.startsWith("/")) {
      return new Requirement.Invalid("not a repository path");
    }
    String[] parts = pathInfo.substring(1).split("/", 3);
    if (parts.length < 2 || !PROJECT.matcher(parts[0]).matches()) {
      return new Requirement.Invalid("not a repository path");
    }
    boolean receive =
        pathInfo.endsWith("/git-receive-pack")
            || (pathInfo.endsWith("/info/refs")
                && query != null
                && Pattern.compile("(^|&)service=git-receive-pack(&|$)").matcher(query).find());
    return new Requirement.OnProject(receive ? Scope.PUSH : Scope.READ, parts[0]);
  }

  /** Whether a query string carries something that looks like a credential (refused: 400). */
  public static boolean credentialInQuery(String query) {
    if (query == null || query.isEmpty()) {
      return false;
    }
    return QUERY_CREDENTIAL.matcher(query).find() || Tokens.PATTERN.matcher(query).find();
  }

  /**
   * Decides whether {@code who} (null when no credentials were presented) may make a request with
   * this requirement. {@code lookups} resolves {@link Requirement.OnLookup} keys; empty means the
   * project is unknown and only the operator passes.
   */
  public static Decision decide(
      Principal who, Requirement need, Function<Requirement.OnLookup, Optional<String>> lookups) {
    if (need instanceof Requirement.Invalid inv) {
      return new Decision(400, inv.message());
    }
    if (need instanceof Requirement.Public) {
      return Decision.ALLOW;
    }
    if (who == null || who instanceof Principal.Anonymous) {
      return new Decision(401, "a token is required (Authorization: Bearer <token>)");
    }
    if (who instanceof Principal.Operator) {
      return Decision.ALLOW;
    }
    if (need instanceof Requirement.AnyToken) {
      return Decision.ALLOW;
    }
    if (need instanceof Requirement.Operator) {
      return new Decision(403, "this needs the operator token");
    }
    if (need instanceof Requirement.OnProject op) {
      return who.may(op.scope(), op.project())
          ? Decision.ALLOW
          : new Decision(
              403, "this token has no '" + op.scope().label() + "' on project " + op.project());
    }
    if (need instanceof Requirement.OnLookup ol) {
      Optional<String> project = lookups.apply(ol);
      if (project.isEmpty()) {
        return new Decision(403, "this needs the operator token");
      }
      return who.may(ol.scope(), project.get())
          ? Decision.ALLOW
          : new Decision(
              403, "this token has no '" + ol.scope().label() + "' on project " + project.get());
    }
    throw new AssertionError(need);
  }
}
