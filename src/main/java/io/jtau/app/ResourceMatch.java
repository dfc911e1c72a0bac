package io.jtau.app;

import io.jtau.model.ProjectConfig;
import io.jtau.model.Resource;
import io.jtau.runtime.wasm.InMemoryGuestServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a name a guest or an operator asks for finds its database, storage or messaging resource
 * (registry.md §4.5, with defect D16 fixed): a resource without the regex flag matches only its
 * {@code match} string exactly; with the flag, {@code match} is a Java regular expression that must
 * match the <em>whole</em> name (anchored). Candidates are the caller's application resources
 * first, then the project's, each in declaration order; the first match wins, so the answer never
 * depends on map order. Pure and thread-safe.
 */
final class ResourceMatch {

  /** Longest name looked up; longer names match nothing (bounds regex work). */
  static final int MAX_NAME_CHARS = 1024;

  private ResourceMatch() {}

  /** Whether {@code name} matches a resource's {@code match} string. */
  static boolean matches(String match, boolean regex, String name) {
    if (match == null || name == null || name.length() > MAX_NAME_CHARS) {
      return false;
    }
    if (!regex) {
      return !match.isEmpty() && match.equals(name);
    }
    try {
      return Pattern.compile(match).matcher(name).matches();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /** The first database of the caller's scopes matching {@code name}. */
  static Optional<Resource.Database> database(ProjectConfig c, String application, String name) {
    for (Resource.Database d : inScope(c, application, Resource.Database.class)) {
      if (matches(d.match(), Boolean.TRUE.equals(d.useRegex()), name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** The first storage of the caller's scopes matching {@code name}. */
  static Optional<Resource.Storage> storage(ProjectConfig c, String application, String name) {
    for (Resource.Storage s : inScope(c, application, Resource.Storage.class)) {
      if (matches(s.match(), Boolean.TRUE.equals(s.useRegex()), name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The first messaging resource of the caller's scopes matching {@code channel}. */
  static Optional<Resource.Messaging> messaging(
      ProjectConfig c, String application, String channel) {
    for (Resource.Messaging m : inScope(c, application, Resource.Messaging.class)) {
      if (matches(m.match(), Boolean.TRUE.equals(m.regex()), channel)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** Resources of a kind visible from an application: its own first, then the project's. */
  static <R extends Resource> List<R> inScope(ProjectConfig c, String application, Class<R> type) {
    String app = application == null || application.isEmpty() ? null : application;
    List<R> out = new ArrayList<>();
    if (app != null) {
      for (R r : c.all(type)) {
        if (app.equals(r.application())) {
          out.add(r);
        }
      }
    }
    for (R r : c.all(type)) {
      if (r.application() == null) {
        out.add(r);
      }
    }
    return out;
  }

  /** Problems with the regexes of a config, one line each naming the resource. */
  static List<String> regexProblems(ProjectConfig c) {
    List<String> out = new ArrayList<>();
    for (Resource r : c.resources()) {
      String match = null;
      boolean regex = false;
      String field = "match";
      if (r instanceof Resource.Database d) {
        match = d.match();
        regex = Boolean.TRUE.equals(d.useRegex());
      } else if (r instanceof Resource.Storage s) {
        match = s.match();
        regex = Boolean.TRUE.equals(s.useRegex());
      } else if (r instanceof Resource.Messaging m) {
        match = m.match();
        regex = Boolean.TRUE.equals(m.regex());
        field = "channel.match";
      }
      if (!regex || match == null) {
        continue;
      }
      try {
        Pattern.compile(match);
      } catch (PatternSyntaxException e) {
        String folder = "";
        for (var a : c.applications()) {
          if (a.id().equals(r.application())) {
            folder = "applications/" + a.name() + "/";
          }
        }
        out.add(
            folder
                + r.kind().folder()
                + "/"
                + r.name()
                + ".yaml: "
                + field
                + " `"
                + match
                + "` is not a valid regular expression: "
                + e.getDescription()
                + " near index "
                + e.getIndex());
      }
    }
    return out;
  }

  /** The §5.4 project hash of a project and application id. */
  static String projectHash(String projectId, String application) {
    return InMemoryGuestServices.projectHash(
        projectId, Objects.requireNonNullElse(application, ""));
  }
}
