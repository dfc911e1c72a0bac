package io.jtau.model;

import java.util.List;

/**
 * A compiled resource of a project. {@link #application()} is the id of the application that
 * declares it, or {@code null} at project scope. Name references (domains, library sources, smartop
 * tags) are already resolved to ids.
 */
public sealed interface Resource
    permits Resource.Function,
        Resource.Website,
        Resource.Library,
        Resource.Domain,
        Resource.Database,
        Resource.Storage,
        Resource.Messaging,
        Resource.Service,
        Resource.SmartOp {

  Identity identity();

  String application();

  ResourceKind kind();

  default String id() {
    return identity().id();
  }

  default String name() {
    return identity().name();
  }

  /**
   * A serverless function. {@code type} is one of {@code http https pubsub p2p}; {@code domains}
   * holds domain ids; durations are nanoseconds and sizes bytes.
   */
  record Function(
      Identity identity,
      String application,
      String type,
      Boolean local,
      String channel,
      String service,
      String command,
      String method,
      List<String> methods,
      List<String> domains,
      List<String> paths,
      String source,
      long timeoutNanos,
      long memoryBytes,
      String call)
      implements Resource {
    public Function {
      methods = methods == null ? null : List.copyOf(methods);
      domains = domains == null ? null : List.copyOf(domains);
      paths = paths == null ? null : List.copyOf(paths);
    }

    @Override
    public ResourceKind kind() {
      return ResourceKind.FUNCTION;
    }

    public boolean isHttp() {
      return "http".equals(type) || "https".equals(type);
    }
  }

  /** A static website built from its own repository. */
  record Website(
      Identity identity,
      String application,
      List<String> domains,
      List<String> paths,
      String branch,
      String provider,
      String repositoryId,
      String repositoryName)
      implements Resource {
    public Website {
      domains = domains == null ? null : List.copyOf(domains);
      paths = paths == null ? null : List.copyOf(paths);
    }

    @Override
    public ResourceKind kind() {
      return ResourceKind.WEBSITE;
    }
  }

  /** A shared Wasm module built from its own repository and linked by import name. */
  record Library(
      Identity identity,
      String application,
      String path,
      String branch,
      String provider,
      String repositoryId,
      String repositoryName)
      implements Resource {
    @Override
    public ResourceKind kind() {
      return ResourceKind.LIBRARY;
    }
  }

  /** A domain name; {@code certType} is {@code auto} or {@code inline}. */
  record Domain(
      Identity identity,
      String application,
      String fqdn,
      String certType,
      String certFile,
      String keyFile)
      implements Resource {
    @Override
    public ResourceKind kind() {
      return ResourceKind.DOMAIN;
    }
  }

  /** A key/value database matched by name (or regex when {@code useRegex}). */
  record Database(
      Identity identity,
      String application,
      String match,
      Boolean useRegex,
      boolean local,
      String networkAccess,
      long sizeBytes,
      String encryptionType,
      String encryptionKey)
      implements Resource {
    @Override
    public ResourceKind kind() {
      return ResourceKind.DATABASE;
    }
  }

  /** Object or streaming storage; {@code type} is {@code object} or {@code streaming}. */
  record Storage(
      Identity identity,
      String application,
      String type,
      String match,
      Boolean useRegex,
      boolean isPublic,
      String networkAccess,
      Boolean versioning,
      Long ttlNanos,
      long sizeBytes)
      implements Resource {
    @Override
    public ResourceKind kind() {
      return ResourceKind.STORAGE;
    }
  }

  /** A pub/sub channel matcher with optional bridges. */
  record Messaging(
      Identity identity,
      String application,
      Boolean local,
      String match,
      Boolean regex,
      Boolean mqtt,
      Boolean webSocket)
      implements Resource {
    @Override
    public ResourceKind kind() {
      return ResourceKind.MESSAGING;
    }
  }

  /** A p2p service protocol declaration. */
  record Service(Identity identity, String application, String protocol) implements Resource {
    @Override
    public ResourceKind kind() {
      return ResourceKind.SERVICE;
    }
  }

  /** A smartop: built like a function, attached to resources by {@code smartops:} tags. */
  record SmartOp(
      Identity identity,
      String application,
      String source,
      long timeoutNanos,
      long memoryBytes,
      String call)
      implements Resource {
    @Override
    public ResourceKind kind() {
      return ResourceKind.SMARTOP;
    }
  }
}
