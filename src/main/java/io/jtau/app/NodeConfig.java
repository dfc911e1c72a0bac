package io.jtau.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Node configuration ({@code jtau.*}), validated at start. */
@ConfigMapping(prefix = "jtau")
public interface NodeConfig {

  /** Folder holding every durable file of the node. */
  @WithDefault("${user.home}/.jtau/node")
  String dataDir();

  /** Wipe the data folder on start. */
  @WithDefault("false")
  boolean fresh();

  /** The cloud's FQDN; generated domains are {@code <x>.g.<fqdn>}. */
  @WithDefault("dream.localhost")
  String fqdn();

  /**
   * Branches this node serves, in preference order: each project is served from the first of them
   * its config repository has (tau's rule: {@code main}, else {@code master}).
   */
  @WithDefault("main,master")
  List<String> branches();

  /** Reconcile worker threads. */
  @WithDefault("4")
  int workers();

  /** Least time between the starts of two reconciles of one (project, branch), in milliseconds. */
  @WithDefault("200")
  int reconcileMinIntervalMillis();

  /** Snapshots kept per (project, branch). */
  @WithDefault("50")
  int retainSnapshots();

  /** Seconds between safety passes over every project (0 = off). */
  @WithDefault("60")
  int safetyPassSeconds();

  /** Skip DNS ownership checks (dream only). */
  @WithDefault("false")
  boolean devMode();

  /** The jtau checkout the launcher runs from (finds {@code samples/}). */
  Optional<String> projectDir();

  /** Local-cloud settings. */
  Dream dream();

  /** Access control settings (see docs/security.md). */
  Access access();

  /** Settings of tokens and authentication. */
  interface Access {
    /**
     * File holding the operator token (written by {@code tau config generate}); when absent the
     * node uses {@code <data-dir>/keys/operator.token}, creating it (mode 0600) on first start.
     */
    Optional<String> operatorTokenFile();

    /** Authentication failures per client address per minute before it is blocked. */
    @WithDefault("10")
    int maxAuthFailures();

    /** How long a blocked address is answered 429, in seconds. */
    @WithDefault("60")
    int coolDownSeconds();
  }

  /** Build settings ({@code jtau.build.*}); see docs/builds.md. */
  Build build();

  /** Settings of builds: sandbox, limits, concurrency. */
  interface Build {
    /**
     * Run workflow scripts without the bubblewrap sandbox when {@code bwrap} is not installed
     * (trusted single-user nodes only).
     */
    @WithDefault("false")
    boolean allowUnsandboxed();

    /** Grant the network to builds whose build file asks for it. */
    @WithDefault("false")
    boolean allowNetwork();

    /** Builds of one project running at once. */
    @WithDefault("2")
    int perProject();

    /** Builds running at once on this node. */
    @WithDefault("4")
    int concurrency();

    /**
     * Build cache entries kept (least recently used evicted first); an evicted artifact is unpinned
     * and reclaimed by gc unless a kept snapshot references it.
     */
    @WithDefault("1000")
    int cacheEntries();

    /** Wall-time limit of one build (all steps), seconds. */
    @WithDefault("600")
    int wallTimeSeconds();

    /** CPU-time limit of each build process, seconds. */
    @WithDefault("600")
    int cpuSeconds();

    /** Size limit of the build output folder, MiB. */
    @WithDefault("512")
    long maxOutputMb();

    /** Size limit of any one file a build writes, MiB. */
    @WithDefault("1024")
    long maxFileMb();

    /** Processes a build may have at once. */
    @WithDefault("256")
    int maxProcesses();

    /** Where fresh build folders are made (default: the system temp folder). */
    Optional<String> workDir();

    /** npm prefix where AssemblyScript is installed once. */
    @WithDefault("${user.home}/.cache/jtau/npm")
    String npmCache();
  }

  /** HTTP gateway settings. */
  Gateway gateway();

  /** Authoritative DNS settings. */
  Dns dns();

  /** Domain ownership settings. */
  Domains domains();

  /** TLS settings. */
  Tls tls();

  /** ACME (certificates from a public CA) settings. */
  Acme acme();

  /** Settings of the HTTP gateway in front of every project. */
  interface Gateway {
    /** Write one structured access-log line per request (category {@code jtau.access}). */
    @WithDefault("true")
    boolean accessLog();

    /** Requests per second admitted per project (token bucket refill rate; 0 = unlimited). */
    @WithDefault("10000")
    double ratePerSecond();

    /** Token bucket size per project (the burst admitted at once). */
    @WithDefault("20000")
    int burst();

    /** Requests in flight per project; more get 503 (0 = unlimited). */
    @WithDefault("512")
    int maxConcurrent();

    /**
     * Host names under which the node's own API, Git server and health endpoints answer, besides IP
     * literals, {@code localhost}, the cloud FQDN and names under {@code tau.<fqdn>}. Any other
     * host no project serves gets 404.
     */
    Optional<List<String>> nodeHosts();

    /** Largest request body accepted by functions, in bytes. */
    @WithDefault("10485760")
    int maxBodyBytes();
  }

  /** Settings of the authoritative DNS server. */
  interface Dns {
    /** UDP and TCP port; 0 = any free port, -1 = DNS off. */
    @WithDefault("-1")
    int port();

    /** Address the DNS server binds to. */
    @WithDefault("127.0.0.1")
    String bind();

    /** Addresses of this node, given out for services and gateway names. */
    @WithDefault("127.0.0.1")
    List<String> addresses();

    /** Services this node runs, answered as {@code <service>.tau.<fqdn>}. */
    @WithDefault("gateway,git,api,dns")
    List<String> services();

    /** Queries per second accepted per source address (token bucket). */
    @WithDefault("2000")
    int ratePerSource();

    /** CAA issuer published at the cloud FQDN (empty = no CAA record). */
    @WithDefault("letsencrypt.org")
    String caaIssuer();
  }

  /** Settings of custom-domain claims. */
  interface Domains {
    /** Seconds between re-verifications of every claim. */
    @WithDefault("3600")
    int reverifySeconds();

    /** Hours a verified domain keeps serving after its TXT record stops verifying. */
    @WithDefault("24")
    int graceHours();

    /** Days an unverified claim is kept before it is released. */
    @WithDefault("7")
    int claimTtlDays();

    /** DNS server used to read TXT records ({@code host:port}); absent = the system resolver. */
    Optional<String> resolver();
  }

  /** Settings of HTTPS. */
  interface Tls {
    /** HTTPS port (0 = any free port, -1 = HTTPS off). */
    @WithDefault("-1")
    int port();
  }

  /** Settings of ACME. */
  interface Acme {
    /** Obtain certificates from an ACME CA for verified domains and the node's own names. */
    @WithDefault("false")
    boolean enabled();

    /** The CA's ACME directory URL (Let's Encrypt staging by default; production is /directory). */
    @WithDefault("https://acme-staging-v02.api.letsencrypt.org/directory")
    String directory();

    /** Contact e-mail given to the CA for the account (optional). */
    Optional<String> email();

    /**
     * Key identifier of an external account binding (RFC 8555 §7.3.4), for CAs that require one
     * (ZeroSSL, Google Trust Services, Sectigo...); goes with {@code eab-hmac-key}.
     */
    Optional<String> eabKid();

    /**
     * The binding's MAC key, base64url as the CA gives it. A secret: prefer the environment
     * variable {@code JTAU_ACME_EAB_HMAC_KEY}; it is redacted from logs and error answers.
     */
    Optional<String> eabHmacKey();

    /** Agree to the CA's terms of service (required by most CAs; read them first). */
    @WithDefault("false")
    boolean agreeTerms();

    /**
     * PEM file of extra CA certificates trusted for the ACME server's own HTTPS (a private CA or a
     * test server); absent = the JDK's trusted CAs only.
     */
    Optional<String> trustedCa();

    /**
     * The node's own names to get certificates for (the cloud FQDN, names under {@code tau.<fqdn>},
     * or {@code jtau.gateway.node-hosts}); any other name stops the node at start.
     */
    Optional<List<String>> nodeNames();

    /**
     * Challenge types to answer, most wanted first: {@code http-01} (the gateway's plain HTTP port,
     * 80 in production), {@code tls-alpn-01} (the HTTPS port, 443) and {@code dns-01} (a TXT record
     * in the node's own DNS; only for the cloud FQDN and names under it, skipped for any other
     * name). The first one the CA offers is used; after a failed challenge the next attempt starts
     * with the next type. Default: http-01, then tls-alpn-01 when HTTPS is on.
     */
    Optional<List<String>> challenges();

    /**
     * Keep one wildcard certificate for the generated domains ({@code *.g.<fqdn>}), proven with
     * dns-01 through the node's own DNS whatever {@code challenges} says (ACME allows nothing else
     * for a wildcard). Needs the node's DNS to be the one the CA asks for {@code <fqdn>}.
     */
    @WithDefault("false")
    boolean wildcardGenerated();

    /**
     * Renew a certificate this many days before it expires (or when a third of its lifetime is
     * left, if that is later: short-lived certificates).
     */
    @WithDefault("30")
    int renewDays();

    /** Seconds between checks for due certificates (orders also start when a name verifies). */
    @WithDefault("300")
    int checkSeconds();

    /** First wait after a failed order, in seconds; it doubles per failure. */
    @WithDefault("60")
    int backoffMinSeconds();

    /** Longest wait after failed orders, in seconds. */
    @WithDefault("21600")
    int backoffMaxSeconds();

    /** Orders sent to the CA per rolling hour, at most (all names together). */
    @WithDefault("20")
    int ordersPerHour();

    /** Seconds a challenge or an order may take to become valid. */
    @WithDefault("120")
    int challengeTimeoutSeconds();

    /** Seconds an HTTP request to the CA may take. */
    @WithDefault("20")
    int networkTimeoutSeconds();
  }

  /** Settings of {@code tau dream}. */
  interface Dream {
    /** Seed sample projects and write {@code dream.json}. */
    @WithDefault("false")
    boolean enabled();

    /** Folder holding the sample projects. */
    Optional<String> samplesDir();

    /** Sample projects to seed. */
    @WithDefault("hello,kv,chat,notes,fib")
    List<String> samples();

    /**
     * What {@code tau dream} prints on standard output while it starts: {@code text} (progress
     * lines, then the banner) or {@code json} (nothing but the dream.json document, once ready).
     */
    @WithDefault("text")
    String output();
  }
}
