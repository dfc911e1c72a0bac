package io.jtau.dream;

import io.jtau.app.HttpPort;
import io.jtau.app.Node;
import io.quarkus.arc.Arc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The JUnit 5 side of {@link LocalCloud}. */
public final class LocalCloudExtension implements BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(LocalCloudExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    cloud(context);
  }

  private Cloud cloud(ExtensionContext context) throws Exception {
    ExtensionContext.Store store = context.getRoot().getStore(NS);
    Cloud existing = store.get(Cloud.class, Cloud.class);
    if (existing != null) {
      pushSamples(context, existing);
      return existing;
    }
    Node node = Arc.container().instance(Node.class).get();
    HttpPort port = Arc.container().instance(HttpPort.class).get();
    Dream dream = Arc.container().instance(Dream.class).get();
    Awaitility.await().atMost(Duration.ofSeconds(120)).until(dream::ready);
    Cloud cloud = new Cloud(node, port, Files.createTempDirectory("jtau-cloud-"));
    store.put(Cloud.class, cloud);
    pushSamples(context, cloud);
    return cloud;
  }

  private static void pushSamples(ExtensionContext context, Cloud cloud) throws Exception {
    LocalCloud spec = context.getRequiredTestClass().getAnnotation(LocalCloud.class);
    if (spec == null) {
      return;
    }
    Path samples =
        cloud
            .node()
            .config()
            .projectDir()
            .map(d -> Path.of(d, "samples"))
            .orElse(Path.of("samples"));
    for (String s : spec.samples()) {
      if (cloud.node().git().find(s, "config").isEmpty()) {
        cloud.pushSample(s, samples);
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == Cloud.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    try {
      return cloud(c);
    } catch (Exception e) {
      throw new org.junit.jupiter.api.extension.ParameterResolutionException(
          "the local cloud did not start: " + e.getMessage(), e);
    }
  }
}
