package io.jtau.app;

import io.jtau.model.Condition;
import io.jtau.model.ProjectKey;
import io.jtau.port.StatusSink;
import io.jtau.source.GitHostApi;
import io.jtau.source.RemoteProject.Repo;
import io.jtau.source.RemoteProject.Role;
import io.jtau.source.WebhookVerifier.Provider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Passes every condition and event on to the node's {@link StatusStore} and reports the outcome of
 * builds and deploys of registered GitHub and Gitea projects back to the Git host as commit
 * statuses: {@code Reconciling} → pending, {@code Ready=true} → success, {@code Ready=false} →
 * failure, each with a link to the project's events. The config commit gets context {@code
 * jtau/deploy}, the code commit {@code jtau/deploy} and {@code jtau/build}. A status already
 * reported is not sent again. Reporting runs on {@code executor}, never on the reconciler's thread.
 * Thread-safe.
 */
public final class CommitStatusSink implements StatusSink {

  private static final Logger LOG = Logger.getLogger(CommitStatusSink.class);
  private static final int REMEMBERED = 10_000;

  private final StatusSink delegate;
  private final ProjectRegistry projects;
  private final GitHostApi api;
  private final Executor executor;
  private final Map<String, Boolean> sent =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
              return size() > REMEMBERED;
            }
          });

  public CommitStatusSink(
      StatusSink delegate, ProjectRegistry projects, GitHostApi api, Executor executor) {
    this.delegate = delegate;
    this.projects = projects;
    this.api = api;
    this.executor = executor;
    projects.onUnverified(
        r ->
            report(
                r.key(),
                r.repo(),
                r.sha(),
                GitHostApi.State.FAILURE,
                "jtau/deploy",
                r.description()));
  }

  @Override
  public void resources(ProjectKey key, List<io.jtau.model.ResourceStatus> resources) {
    delegate.resources(key, resources);
  }

  @Override
  public void conditions(ProjectKey key, List<Condition> conditions) {
    delegate.conditions(key, conditions);
    if (!projects.exists(key.project())) {
      return;
    }
    for (Condition c : conditions) {
      if (c.observedRevision() == null || c.observedRevision().isEmpty()) {
        continue;
      }
      GitHostApi.State state;
      String text;
      if (c.type().equals("Reconciling") && c.status()) {
        state = GitHostApi.State.PENDING;
        text = "building and deploying to " + key.branch();
      } else if (c.type().equals("Ready")) {
        state = c.status() ? GitHostApi.State.SUCCESS : GitHostApi.State.FAILURE;
        text = c.status() ? "live on " + key.branch() : c.reason() + ": " + firstLine(c.message());
      } else {
        continue;
      }
      String[] commits = c.observedRevision().split("\\+", 2);
      projects
          .repoOf(key.project(), Role.CONFIG)
          .ifPresent(r -> report(key, r, commits[0], state, "jtau/deploy", text));
      if (commits.length > 1) {
        projects
            .repoOf(key.project(), Role.CODE)
            .ifPresent(
                r -> {
                  report(key, r, commits[1], state, "jtau/deploy", text);
                  boolean buildFailed =
                      state == GitHostApi.State.FAILURE && "BuildFailed".equals(c.reason());
                  boolean otherFailure = state == GitHostApi.State.FAILURE && !buildFailed;
                  if (!otherFailure) {
                    report(
                        key,
                        r,
                        commits[1],
                        state,
                        "jtau/build",
                        buildFailed
                            ? text
                            : state == GitHostApi.State.PENDING ? "building" : "built");
                  }
                });
      }
    }
  }

  @Override
  public void event(ProjectKey key, String type, String reason, String message) {
    delegate.event(key, type, reason, message);
  }

  private void report(
      ProjectKey key, Repo repo, String sha, GitHostApi.State state, String context, String text) {
    if (repo.provider() != Provider.GITHUB && repo.provider() != Provider.GITEA) {
      return;
    }
    if (sha == null || !sha.matches("[0-9a-f]{40}")) {
      return;
    }
    if (sent.putIfAbsent(
            repo.fullname() + "@" + sha + "/" + context + "/" + key.branch() + "/" + state,
            Boolean.TRUE)
        != null) {
      return;
    }
    executor.execute(
        () -> {
          try {
            var token = projects.token(key.project(), repo);
            if (token.isEmpty()) {
              return;
            }
            api.createStatus(
                projects.apiBase(key.project(), repo),
                repo.provider() == Provider.GITEA,
                repo.fullname(),
                sha,
                token.get(),
                state,
                context,
                text,
                projects.publicUrl()
                    + "/api/projects/"
                    + key.project()
                    + "/events?branch="
                    + key.branch());
          } catch (GitHostApi.HostApiException | RuntimeException e) {
            delegate.event(key, "Warning", "StatusReportFailed", e.getMessage());
            LOG.debugf("commit status for %s failed: %s", repo.fullname(), e.getMessage());
          }
        });
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
