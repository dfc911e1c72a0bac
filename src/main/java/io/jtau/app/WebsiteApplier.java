package io.jtau.app;

import io.jtau.model.Cid;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.model.WebsiteRoute;
import io.jtau.model.WebsiteTarget;
import io.jtau.reconcile.StateApplier;
import io.jtau.runtime.gateway.BundleCache;
import io.jtau.runtime.gateway.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Puts a snapshot's websites on the gateway. {@link #prepare} opens every bundle the snapshot names
 * (copying it from the content store and reading its central directory), so a missing or broken
 * bundle stalls the key before anything changes; {@link #apply} then swaps the key's website routes
 * in one step, so a request sees all files of the old commit or all of the new one. A website whose
 * bundle is not in the snapshot yet (not built) is skipped, as in tau. Idempotent, thread-safe.
 */
public final class WebsiteApplier implements StateApplier {

  /** Runs after stores and bindings, just before function routes flip. */
  public static final int WAVE_WEBSITES = 50;

  private final Gateway gateway;
  private final BundleCache bundles;

  public WebsiteApplier(Gateway gateway, BundleCache bundles) {
    this.gateway = gateway;
    this.bundles = bundles;
  }

  @Override
  public String name() {
    return "websites";
  }

  @Override
  public int wave() {
    return WAVE_WEBSITES;
  }

  @Override
  public void prepare(ProjectKey key, Snapshot snapshot) throws Exception {
    List<String> failures = new ArrayList<>();
    for (WebsiteRoute r : routes(key, snapshot)) {
      try {
        bundles.open(r.website().bundle());
      } catch (Exception e) {
        failures.add("website " + r.website().name() + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(String.join("\n", failures));
    }
  }

  @Override
  public void apply(ProjectKey key, Snapshot snapshot) throws Exception {
    List<WebsiteRoute> routes = routes(key, snapshot);
    for (WebsiteRoute r : routes) {
      bundles.open(r.website().bundle());
    }
    gateway.applyWebsites(key, routes);
  }

  /**
   * The website routes a snapshot asks for, in declaration order: one per (website, own domain).
   * Pure.
   */
  public static List<WebsiteRoute> routes(ProjectKey key, Snapshot snapshot) {
    ProjectConfig config = snapshot.config();
    List<WebsiteRoute> out = new ArrayList<>();
    for (Resource.Website w : config.all(Resource.Website.class)) {
      if (w.domains() == null || w.paths() == null || w.paths().isEmpty()) {
        continue;
      }
      String asset = snapshot.assets().get(Snapshot.assetKey(w));
      if (asset == null) {
        continue;
      }
      WebsiteTarget target =
          new WebsiteTarget(
              key,
              config.id(),
              w.application(),
              w.id(),
              w.name(),
              new Cid(asset),
              snapshot.configCommit());
      for (String domainId : w.domains()) {
        Optional<Resource.Domain> d = config.domain(w.application(), domainId);
        d.ifPresent(
            dom ->
                out.add(new WebsiteRoute(dom.fqdn().toLowerCase(Locale.ROOT), w.paths(), target)));
      }
    }
    return out;
  }
}
