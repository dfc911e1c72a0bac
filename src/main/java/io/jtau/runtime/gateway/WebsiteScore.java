package io.jtau.runtime.gateway;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * tau's website path scoring (registry.md 5.2), pure. A score of {@link #HIGH} is an exact match,
 * {@link #NO_MATCH} means the website cannot serve the request; anything in between is a prefix
 * match whose value is the length of the matched path plus one ({@code /} scores 1). Thread-safe.
 */
public final class WebsiteScore {

  /** No match. */
  public static final int NO_MATCH = -1;

  /** An exact match (or a prefix match boosted by a real file). */
  public static final int HIGH = 256;

  private WebsiteScore() {}

  /** A score and the configured path that reached it first ({@code null} when no match). */
  public record Scored(int score, String matchedPath) {}

  /**
   * Scores a request path against a website's configured paths, without the file bonus. Only {@code
   * GET}, {@code HEAD} and the empty method may match.
   */
  public static Scored score(List<String> paths, String method, String requestPath) {
    if (!(method.isEmpty() || method.equals("GET") || method.equals("HEAD"))) {
      return new Scored(NO_MATCH, null);
    }
    int best = NO_MATCH;
    String matched = null;
    for (String p : paths) {
      int s = pathScore(p, requestPath);
      if (s > best) {
        best = s;
        matched = p;
      }
    }
    return new Scored(best, matched);
  }

  static int pathScore(String p, String r) {
    if (r.equals(p)) {
      return HIGH;
    }
    if (p.equals("/")) {
      return 1;
    }
    if (r.length() < p.length()) {
      return NO_MATCH;
    }
    if (r.startsWith(p + "/")) {
      return p.length() + 1;
    }
    return NO_MATCH;
  }

  /**
   * Scores with the real-file bonus keyed by the matched path p* (fixes tau's D17): a prefix match
   * becomes {@link #HIGH} when the bundle holds a file f with {@code join(p*, f) == r}.
   *
   * @param isFile whether the bundle holds a regular file at this relative path (no leading slash)
   */
  public static Scored scoreWithFiles(
      List<String> paths, String method, String requestPath, Predicate<String> isFile) {
    Scored s = score(paths, method, requestPath);
    if (s.score() >= 1 && s.score() < HIGH) {
      String rel =
          s.matchedPath().equals("/")
              ? requestPath
              : requestPath.substring(s.matchedPath().length());
      String f = clean(rel);
      if (f.length() > 1 && clean(s.matchedPath() + f).equals(requestPath)) {
        if (isFile.test(f.substring(1))) {
          return new Scored(HIGH, s.matchedPath());
        }
      }
    }
    return s;
  }

  /**
   * The path served inside the bundle for a request matched through p* (registry.md 5.3): {@code
   * clean("/" + r without p*)}, plus a trailing slash when r had one.
   */
  public static String servedPath(String matchedPath, String requestPath) {
    String rest =
        requestPath.startsWith(matchedPath)
            ? requestPath.substring(matchedPath.length())
            : requestPath;
    String served = clean("/" + rest);
    if (requestPath.endsWith("/") && !served.endsWith("/")) {
      served += "/";
    }
    return served;
  }

  /**
   * Lexical path cleaning with Go's {@code path.Clean} rules for rooted paths: repeated slashes
   * collapse, {@code .} segments vanish, {@code ..} removes the previous segment and never climbs
   * above the root. The result starts with {@code /} and has no trailing slash except for the root.
   */
  public static String clean(String path) {
    Deque<String> out = new ArrayDeque<>();
    for (String seg : path.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        out.pollLast();
      } else {
        out.addLast(seg);
      }
    }
    return "/" + String.join("/", out);
  }
}
