package io.jtau.app;

import io.jtau.access.AuditLog;
import io.jtau.access.Redactor;
import io.jtau.model.Condition;
import io.jtau.model.HistoryEntry;
import io.jtau.model.ProjectKey;
import io.jtau.port.Registry;
import io.jtau.port.StatusSink;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The reconciler's status sink as the node installs it: removes secrets from every condition and
 * event message before they reach the status API, and records each revision that goes live in the
 * audit log as {@code deploy}, {@code rollback} (the revision was live before, not just now) or
 * {@code redeploy} (the same revision again, e.g. after a restart). Thread-safe.
 */
final class AuditingStatusSink implements StatusSink {

  private static final Logger LOG = Logger.getLogger(AuditingStatusSink.class);

  private final StatusSink delegate;
  private final Redactor redactor;
  private final AuditLog audit;
  private final Registry registry;

  AuditingStatusSink(StatusSink delegate, Redactor redactor, AuditLog audit, Registry registry) {
    this.delegate = delegate;
    this.redactor = redactor;
    this.audit = audit;
    this.registry = registry;
  }

  @Override
  public void resources(ProjectKey key, List<io.jtau.model.ResourceStatus> resources) {
    delegate.resources(key, resources);
  }

  @Override
  public void conditions(ProjectKey key, List<Condition> conditions) {
    List<Condition> clean = new ArrayList<>(conditions.size());
    for (Condition c : conditions) {
      String m = redactor.redact(c.message());
      clean.add(
          m == null || m.equals(c.message())
              ? c
              : new Condition(
                  c.type(),
                  c.status(),
                  c.reason(),
                  m,
                  c.observedRevision(),
                  c.lastTransitionMillis()));
    }
    delegate.conditions(key, clean);
  }

  @Override
  public void event(ProjectKey key, String type, String reason, String message) {
    String clean = redactor.redact(message);
    delegate.event(key, type, reason, clean);
    if ("Applied".equals(reason)) {
      try {
        List<HistoryEntry> h = registry.history(key, 200);
        String action = classify(h);
        String revision = h.isEmpty() ? "" : h.get(0).revision();
        audit.append(
            "reconciler", action, key.project(), "branch " + key.branch() + " " + revision);
      } catch (RuntimeException e) {
        LOG.warnf("cannot write the audit entry for %s: %s", key, e.getMessage());
      }
    }
  }

  /** Newest first history: what the newest entry means. */
  static String classify(List<HistoryEntry> newestFirst) {
    if (newestFirst.size() < 2) {
      return "deploy";
    }
    String now = newestFirst.get(0).revision();
    if (newestFirst.get(1).revision().equals(now)) {
      return "redeploy";
    }
    for (int i = 2; i < newestFirst.size(); i++) {
      if (newestFirst.get(i).revision().equals(now)) {
        return "rollback";
      }
    }
    return "deploy";
  }
}
