package io.jtau.app;

import io.jtau.access.SecretBox;
import io.jtau.runtime.gateway.AcmeCertificates;
import io.jtau.runtime.gateway.AcmeChallenges;
import io.jtau.runtime.gateway.Pem;
import io.jtau.runtime.gateway.SniKeyManager;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.logging.Logger;

/**
 * The node's ACME glue: checks {@code jtau.acme.*}, builds {@link AcmeCertificates} over the node's
 * secret box and SNI key manager, and runs due orders on one background thread every {@code
 * jtau.acme.check-seconds} and whenever {@link #wake()} is called (a name verified, routes
 * changed). Thread-safe.
 */
final class AcmeService implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AcmeService.class);

  private final AcmeCertificates certificates;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean queued = new AtomicBoolean();

  private AcmeService(AcmeCertificates certificates, ScheduledExecutorService timer) {
    this.certificates = certificates;
    this.timer = timer;
  }

  /**
   * Starts ACME.
   *
   * @param projectNames the verified, {@code certificate.type: auto} domains the projects declare
   * @param verified whether some project holds a verified claim on a name
   * @throws IllegalArgumentException on a bad setting, naming it
   */
  static AcmeService start(
      NodeConfig config,
      Path dir,
      Clock clock,
      SecretBox secrets,
      AcmeChallenges challenges,
      SniKeyManager sni,
      Supplier<Set<String>> projectNames,
      Predicate<String> verified,
      java.util.concurrent.ThreadFactory threads)
      throws IOException {
    NodeConfig.Acme a = config.acme();
    List<String> nodeNames = new ArrayList<>(nodeNames(config));
    Set<String> wildcards =
        a.wildcardGenerated() ? Set.of(generatedWildcard(config.fqdn())) : Set.<String>of();
    nodeNames.addAll(wildcards);
    URI directory = directory(a.directory());
    SSLContext trust = a.trustedCa().map(AcmeService::trust).orElse(null);
    if (a.ordersPerHour() < 1) {
      throw new IllegalArgumentException("jtau.acme.orders-per-hour: must be at least 1");
    }
    AcmeCertificates.Settings s =
        new AcmeCertificates.Settings(
            directory,
            a.email(),
            a.agreeTerms(),
            trust,
            Duration.ofDays(Math.max(1, a.renewDays())),
            Duration.ofSeconds(Math.max(1, a.backoffMinSeconds())),
            Duration.ofSeconds(Math.max(a.backoffMinSeconds(), a.backoffMaxSeconds())),
            a.ordersPerHour(),
            Duration.ofSeconds(Math.max(1, a.networkTimeoutSeconds())),
            Duration.ofSeconds(Math.max(1, a.challengeTimeoutSeconds())),
            challenges(a.challenges(), config.tls().port() >= 0),
            binding(a.eabKid(), a.eabHmacKey()));
    AcmeCertificates.Sealer sealer =
        new AcmeCertificates.Sealer() {
          @Override
          public String seal(String plain, String context) {
            return secrets.seal(plain, context);
          }

          @Override
          public String open(String sealed, String context) {
            return secrets.open(sealed, context);
          }
        };
    Supplier<Set<String>> wanted =
        () -> {
          Set<String> out = new java.util.TreeSet<>(nodeNames);
          out.addAll(projectNames.get());
          return out;
        };
    Predicate<String> eligible = n -> nodeNames.contains(n) || verified.test(n);
    String fqdn = config.fqdn().toLowerCase(Locale.ROOT);
    AcmeCertificates.Scope scope = new AcmeCertificates.Scope(n -> inZone(fqdn, n), wildcards);
    AcmeCertificates certs =
        new AcmeCertificates(dir, s, clock, sealer, challenges, sni, wanted, eligible, scope);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(threads);
    AcmeService svc = new AcmeService(certs, timer);
    int every = Math.max(1, a.checkSeconds());
    timer.scheduleWithFixedDelay(svc::run, 1, every, TimeUnit.SECONDS);
    LOG.infof("ACME on: %s, node names %s", directory, nodeNames);
    return svc;
  }

  /** Runs due orders soon (coalesced). Never blocks. */
  void wake() {
    certificates.refresh();
    if (queued.compareAndSet(false, true)) {
      try {
        timer.execute(this::run);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        queued.set(false);
      }
    }
  }

  private void run() {
    queued.set(false);
    try {
      certificates.runDue();
    } catch (RuntimeException e) {
      LOG.warnf("ACME run failed: %s", e.getMessage());
    }
  }

  AcmeCertificates certificates() {
    return certificates;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** The node's own wildcard for its generated domains (pure): {@code *.g.<fqdn>}. */
  static String generatedWildcard(String cloudFqdn) {
    return "*.g." + cloudFqdn.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the node's DNS is authoritative for a name (pure): the cloud FQDN or a name under it
   * ({@code *.x} counts as {@code x}, where its DNS-01 record lives).
   */
  static boolean inZone(String cloudFqdn, String name) {
    String fqdn = cloudFqdn.toLowerCase(Locale.ROOT);
    String n = name.toLowerCase(Locale.ROOT);
    if (n.startsWith("*.")) {
      n = n.substring(2);
    }
    return n.equals(fqdn) || n.endsWith("." + fqdn);
  }

  /** The configured node names, each checked to be one of the node's own names. */
  static List<String> nodeNames(NodeConfig config) {
    return nodeNames(
        config.fqdn(),
        config.gateway().nodeHosts().orElse(List.of()),
        config.acme().nodeNames().orElse(List.of()));
  }

  /**
   * Checks {@code jtau.acme.node-names} (pure): each must be the cloud FQDN, a name under {@code
   * tau.<fqdn>}, or one of the gateway's node hosts.
   *
   * @throws IllegalArgumentException naming the setting and the name
   */
  static List<String> nodeNames(String cloudFqdn, List<String> nodeHosts, List<String> names) {
    String fqdn = cloudFqdn.toLowerCase(Locale.ROOT);
    List<String> hosts = nodeHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    List<String> out = new ArrayList<>();
    for (String raw : names) {
      if (raw.isBlank()) {
        continue;
      }
      String n;
      try {
        n = AcmeCertificates.normalize(raw);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("jtau.acme.node-names: " + e.getMessage());
      }
      if (!n.equals(fqdn) && !n.endsWith(".tau." + fqdn) && !hosts.contains(n)) {
        throw new IllegalArgumentException(
            "jtau.acme.node-names: "
                + n
                + " is not one of the node's names (the cloud FQDN "
                + fqdn
                + ", a name under tau."
                + fqdn
                + ", or one of jtau.gateway.node-hosts)");
      }
      out.add(n);
    }
    return List.copyOf(out);
  }

  /**
   * Checks {@code jtau.acme.challenges} (pure): known types (http-01, tls-alpn-01, dns-01), no
   * repeats, {@code tls-alpn-01} only with HTTPS on. Absent: http-01, then tls-alpn-01 when HTTPS
   * is on.
   */
  static List<String> challenges(java.util.Optional<List<String>> configured, boolean https) {
    if (configured.isEmpty() || configured.get().stream().allMatch(String::isBlank)) {
      return https ? List.of("http-01", "tls-alpn-01") : List.of("http-01");
    }
    List<String> out = new ArrayList<>();
    for (String raw : configured.get()) {
      String c = raw.trim().toLowerCase(Locale.ROOT);
      if (c.isEmpty()) {
        continue;
      }
      if (!AcmeCertificates.challengeTypes().contains(c)) {
        throw new IllegalArgumentException(
            "jtau.acme.challenges: unknown challenge type "
                + raw
                + " (expected "
                + String.join(", ", AcmeCertificates.challengeTypes())
                + ")");
      }
      if (c.equals("tls-alpn-01") && !https) {
        throw new IllegalArgumentException(
            "jtau.acme.challenges: tls-alpn-01 needs HTTPS on (jtau.tls.port is -1)");
      }
      if (out.contains(c)) {
        throw new IllegalArgumentException("jtau.acme.challenges: " + c + " is given twice");
      }
      out.add(c);
    }
    return List.copyOf(out);
  }

  /**
   * Checks {@code jtau.acme.eab-kid} and {@code jtau.acme.eab-hmac-key} (pure): both or neither.
   */
  static java.util.Optional<AcmeCertificates.Binding> binding(
      java.util.Optional<String> kid, java.util.Optional<String> hmacKey) {
    boolean k = kid.filter(s -> !s.isBlank()).isPresent();
    boolean h = hmacKey.filter(s -> !s.isBlank()).isPresent();
    if (k != h) {
      throw new IllegalArgumentException(
          k
              ? "jtau.acme.eab-hmac-key: missing (jtau.acme.eab-kid is set; the CA gives both)"
              : "jtau.acme.eab-kid: missing (jtau.acme.eab-hmac-key is set; the CA gives both)");
    }
    return k
        ? java.util.Optional.of(new AcmeCertificates.Binding(kid.get(), hmacKey.get()))
        : java.util.Optional.empty();
  }

  /** Checks {@code jtau.acme.directory} (pure). */
  static URI directory(String url) {
    URI u;
    try {
      u = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("jtau.acme.directory: not a URL: " + url);
    }
    if ((!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) || u.getHost() == null) {
      throw new IllegalArgumentException(
          "jtau.acme.directory: expected an https:// URL with a host, got " + url);
    }
    return u;
  }

  static SSLContext trust(String file) {
    try {
      String pem = Files.readString(Path.of(file));
      X509Certificate[] cas = Pem.certificates(pem);
      if (cas.length == 0) {
        throw new IllegalArgumentException(
            "jtau.acme.trusted-ca: " + file + " holds no CERTIFICATE block");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      for (int i = 0; i < cas.length; i++) {
        ks.setCertificateEntry("ca" + i, cas[i]);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new IllegalArgumentException("jtau.acme.trusted-ca: cannot read " + file + ": " + e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "jtau.acme.trusted-ca: " + file + ": not PEM certificates: " + e.getMessage());
    }
  }
}
