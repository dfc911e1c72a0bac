package io.jtau.runtime.gateway;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * Certificates from an ACME CA for the names this node may serve, installed for SNI without a
 * restart and renewed before they expire.
 *
 * <p>Which names: {@code wanted} (the node's configured own names and the verified, {@code
 * certificate.type: auto} domains of its projects), each re-checked against {@code eligible} right
 * before an order, so a name that is not a verified project domain or a node name never reaches the
 * CA. When: a name without a certificate, or whose certificate has less than {@code renewBefore} or
 * a third of its lifetime left (whichever is shorter, so short-lived certificates renew in time
 * too), is due; a failure backs off exponentially from {@code backoffMin} to {@code backoffMax} (or
 * to the CA's {@code Retry-After} when it rate-limits) and the next attempt tries the next
 * challenge type first; at most {@code ordersPerHour} orders are sent per rolling hour. The
 * previous (or the node's self-signed) certificate keeps serving meanwhile.
 *
 * <p>Challenges: the configured preference, except that DNS-01 is possible only for names in the
 * node's own DNS zone ({@link Scope#ownZone}): for any other name it is skipped (a {@code skipped}
 * event says why) and never fails the order; an operator asking for DNS-01 on such a name is
 * refused. The node's own wildcards ({@link Scope#wildcards}, e.g. {@code *.g.<fqdn>}) are ordered
 * with DNS-01 only, the one challenge ACME allows for a wildcard; no other wildcard is ever
 * accepted ({@link #normalize}).
 *
 * <p>Storage under {@code dir}: {@code account.key} (the ACME account key pair, sealed by the
 * caller's {@link Sealer}, mode 0600), {@code certs/<name>.pem} (the chain; a wildcard {@code *.x}
 * is stored as {@code _wildcard.x}), {@code certs/<name>.key} (the certificate's private key,
 * sealed, mode 0600) and {@code state.json} (the account's URL at the CA, each name's failures and
 * backoff, the orders of the last hour and the recent events), so a restart neither forgets a
 * backoff nor exceeds the hourly order limit.
 *
 * <p>Thread-safe. {@link #runDue()} blocks on the network and is meant for one background thread;
 * the other methods never block on the network.
 */
public final class AcmeCertificates {

  /** Encrypts keys at rest (the node's secret box). */
  public interface Sealer {
    /** Seals {@code plain} for {@code context}. */
    String seal(String plain, String context);

    /** Opens a value sealed for {@code context}; throws IllegalArgumentException when it cannot. */
    String open(String sealed, String context);
  }

  /** Settings; {@code trust} null = the JDK's trusted CAs for the ACME server. */
  public record Settings(
      URI directory,
      Optional<String> email,
      boolean agreeTerms,
      SSLContext trust,
      Duration renewBefore,
      Duration backoffMin,
      Duration backoffMax,
      int ordersPerHour,
      Duration networkTimeout,
      Duration challengeTimeout,
      List<String> challenges,
      Optional<Binding> binding) {

    /** Checks the challenge preference. */
    public Settings {
      challenges = List.copyOf(challenges);
      if (challenges.isEmpty()) {
        throw new IllegalArgumentException("no ACME challenge type given");
      }
      for (String c : challenges) {
        checkChallenge(c);
      }
    }
  }

  /**
   * An external account binding (RFC 8555 §7.3.4): the CA's key identifier and MAC key (base64url).
   * The key is a secret; {@link #toString()} never shows it.
   */
  public record Binding(String kid, String hmacKey) {

    /** Checks both parts. */
    public Binding {
      if (kid == null || kid.isBlank()) {
        throw new IllegalArgumentException("jtau.acme.eab-kid: empty");
      }
      try {
        if (java.util.Base64.getUrlDecoder().decode(hmacKey.strip()).length < 16) {
          throw new IllegalArgumentException(
              "jtau.acme.eab-hmac-key: shorter than 16 bytes (give the key exactly as the CA"
                  + " shows it, base64url)");
        }
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("jtau.acme.")) {
          throw e;
        }
        throw new IllegalArgumentException(
            "jtau.acme.eab-hmac-key: not base64url (give the key exactly as the CA shows it)");
      }
      kid = kid.strip();
      hmacKey = hmacKey.strip();
    }

    @Override
    public String toString() {
      return "Binding[kid=" + kid + ", hmacKey=<redacted>]";
    }
  }

  /**
   * What the node itself answers for: {@code ownZone} tells whether a name lies in the zone the
   * node's authoritative DNS serves (so a DNS-01 TXT record can be published for it), {@code
   * wildcards} are the node's own wildcard names (lower case, {@code *.x}) that may be ordered.
   */
  public record Scope(Predicate<String> ownZone, Set<String> wildcards) {
    /** Copies the wildcards. */
    public Scope {
      wildcards = Set.copyOf(wildcards);
    }

    /** No own zone and no wildcard: DNS-01 is never used. */
    public static Scope none() {
      return new Scope(n -> false, Set.of());
    }
  }

  /** The challenge types of one order and, when one was left out, why (pure result). */
  record Plan(List<String> types, String skipped) {}

  /** The state of one name's certificate. */
  public record CertStatus(
      String name,
      String state,
      String issuer,
      Instant notBefore,
      Instant notAfter,
      String lastError,
      Instant lastAttempt,
      Instant nextAttempt,
      int failures,
      String challenge) {}

  /** Something that happened (issued, failed, refused), newest last. */
  public record Event(Instant at, String name, String kind, String message) {}

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
  private static final String OWNER = "acme";
  private static final String DNS_01 = "dns-01";
  private static final String WILDCARD_FILE = "_wildcard.";
  private static final int EVENTS = 200;

  private final Path dir;
  private final Settings settings;
  private final Clock clock;
  private final Sealer sealer;
  private final AcmeChallenges challenges;
  private final SniKeyManager sni;
  private final Supplier<Set<String>> wanted;
  private final Predicate<String> eligible;
  private final Scope scope;
  private final AcmeClient client;
  private final java.security.Provider bc =
      new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private final Map<String, SniKeyManager.KeyAndChain> issued = new HashMap<>();
  private final Map<String, Attempt> attempts = new HashMap<>();
  private final Deque<Instant> recentOrders = new ArrayDeque<>();
  private final Deque<Event> events = new ArrayDeque<>();
  private final Map<String, Request> requested = new LinkedHashMap<>();
  private final Map<String, String> challengeUsed = new HashMap<>();
  private final Set<String> skipNoted = new java.util.HashSet<>();
  private URL account;
  private String issuing;

  /** One name's last failure(s); {@code challenge} = the type that failed last, if any. */
  record Attempt(int failures, Instant last, Instant next, String error, String challenge) {}

  /** An operator's request: a challenge type to use, and whether to renew a valid certificate. */
  private record Request(Optional<String> challenge, boolean renew) {}

  /**
   * Loads the stored certificates (installing the eligible ones at once).
   *
   * @param wanted the names that should have a certificate now
   * @param eligible whether a name may be ordered now (verified project domain or node name)
   */
  public AcmeCertificates(
      Path dir,
      Settings settings,
      Clock clock,
      Sealer sealer,
      AcmeChallenges challenges,
      SniKeyManager sni,
      Supplier<Set<String>> wanted,
      Predicate<String> eligible)
      throws IOException {
    this(dir, settings, clock, sealer, challenges, sni, wanted, eligible, Scope.none());
  }

  /**
   * Loads the stored certificates (installing the eligible ones at once).
   *
   * @param wanted the names that should have a certificate now (may hold the scope's wildcards)
   * @param eligible whether a name may be ordered now (verified project domain or node name)
   * @param scope the node's own DNS zone (for DNS-01) and its own wildcard names
   */
  public AcmeCertificates(
      Path dir,
      Settings settings,
      Clock clock,
      Sealer sealer,
      AcmeChallenges challenges,
      SniKeyManager sni,
      Supplier<Set<String>> wanted,
      Predicate<String> eligible,
      Scope scope)
      throws IOException {
    this.scope = scope;
    this.dir = dir;
    this.settings = settings;
    this.clock = clock;
    this.sealer = sealer;
    this.challenges = challenges;
    this.sni = sni;
    this.wanted = wanted;
    this.eligible = eligible;
    this.client =
        new AcmeClient(
            new AcmeClient.Settings(
                settings.directory(),
                settings.email(),
                settings.agreeTerms(),
                settings.trust(),
                settings.networkTimeout(),
                settings.challengeTimeout(),
                settings.binding()));
    Files.createDirectories(dir.resolve("certs"));
    loadState();
    try (var files = Files.list(dir.resolve("certs"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String f = p.getFileName().toString();
        if (f.endsWith(".pem")) {
          String name = nameOfFile(f.substring(0, f.length() - 4));
          try {
            issued.put(name, load(name));
          } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
            event(name, "error", "stored certificate does not load: " + e.getMessage());
          }
        }
      }
    }
    install();
  }

  /** Orders sent to the CA since start (every newOrder request). */
  public int ordersCreated() {
    return client.ordersCreated();
  }

  /**
   * Asks for a certificate for {@code name} now (clears its backoff); the background run orders it.
   * Never contacts the CA itself.
   *
   * @throws IllegalArgumentException when the name is not a verified project domain or a node name
   *     (recorded as a {@code refused} event; no order is ever sent)
   */
  public synchronized CertStatus request(String name) {
    return request(name, Optional.empty(), false);
  }

  /**
   * Asks for a certificate for {@code name} now (clears its backoff), with a challenge type to use
   * for this order and, with {@code renew}, even while the current certificate is valid (a
   * suspected key compromise, a changed key policy). Never contacts the CA itself.
   *
   * @throws IllegalArgumentException when the name is not a verified project domain or a node name,
   *     or the challenge type is not one this node answers
   */
  public synchronized CertStatus request(String name, Optional<String> challenge, boolean renew) {
    String n = key(name);
    challenge.ifPresent(AcmeCertificates::checkChallenge);
    if (challenge.isPresent()) {
      String why = refusal(n, challenge.get(), scope.ownZone().test(n));
      if (why != null) {
        event(n, "refused", why);
        throw new IllegalArgumentException(why);
      }
    }
    if (!eligible.test(n)) {
      event(n, "refused", "not a verified project domain or a node name: no certificate ordered");
      throw new IllegalArgumentException(
          n
              + " is not a verified domain of a project (tau domain claim, then verify) nor one of"
              + " the node's names (jtau.acme.node-names): no certificate is ordered");
    }
    requested.put(n, new Request(challenge, renew));
    attempts.remove(n);
    saveState();
    return status(n);
  }

  /** Records that a request for {@code name} was refused by the caller (no order is sent). */
  public synchronized void refused(String name, String why) {
    event(key(name), "refused", why);
  }

  /**
   * Why an operator's request for {@code challenge} on {@code name} cannot be answered (pure), or
   * null when it can: DNS-01 needs the name in the node's own DNS zone, a wildcard needs DNS-01.
   */
  static String refusal(String name, String challenge, boolean inOwnZone) {
    if (DNS_01.equals(challenge) && !inOwnZone) {
      return "dns-01 cannot prove "
          + name
          + ": the node's DNS is not authoritative for it (only the cloud FQDN and names under"
          + " it); use http-01 or tls-alpn-01. No certificate is ordered";
    }
    if (name.startsWith("*.") && !DNS_01.equals(challenge)) {
      return "a wildcard (" + name + ") can only be proven with dns-01, not " + challenge;
    }
    return null;
  }

  /** Whether {@code name} is one of the node's own wildcards (e.g. {@code *.g.<fqdn>}). */
  public boolean ownWildcard(String name) {
    return name != null && scope.wildcards().contains(name.trim().toLowerCase(Locale.ROOT));
  }

  /** Whether DNS-01 can prove this name (it lies in the node's own DNS zone). */
  public boolean dns01Possible(String name) {
    return scope.ownZone().test(key(name));
  }

  /** The state of one name. */
  public synchronized CertStatus status(String name) {
    String n = key(name);
    SniKeyManager.KeyAndChain kc = issued.get(n);
    Attempt a = attempts.get(n);
    String state;
    if (n.equals(issuing)) {
      state = "issuing";
    } else if (!eligible.test(n)) {
      state = kc == null ? "not-eligible" : "not-eligible (certificate kept, not served)";
    } else if (kc != null && !due(kc) && !renewRequested(n)) {
      state = "valid";
    } else if (kc != null) {
      state = a != null ? "renewal-failing" : "renewal-due";
    } else if (a != null) {
      state = a.failures() == 0 ? "waiting" : "failed";
    } else {
      state = "pending";
    }
    X509Certificate leaf = kc == null ? null : kc.chain()[0];
    return new CertStatus(
        n,
        state,
        leaf == null ? null : leaf.getIssuerX500Principal().getName(),
        leaf == null ? null : leaf.getNotBefore().toInstant(),
        leaf == null ? null : leaf.getNotAfter().toInstant(),
        a == null ? null : a.error(),
        a == null ? null : a.last(),
        a == null ? null : a.next(),
        a == null ? 0 : a.failures(),
        a != null && a.challenge() != null ? a.challenge() : challengeUsed.get(n));
  }

  /** The state of every wanted or issued name, sorted. */
  public synchronized List<CertStatus> statuses() {
    Set<String> names = new java.util.TreeSet<>(issued.keySet());
    names.addAll(currentWanted());
    names.addAll(attempts.keySet());
    List<CertStatus> out = new ArrayList<>();
    names.forEach(n -> out.add(status(n)));
    return out;
  }

  /** The recent events (issued, failed, refused), oldest first. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The certificate issued for a name, if any (served only while the name is eligible). */
  public synchronized Optional<SniKeyManager.KeyAndChain> certificate(String name) {
    return Optional.ofNullable(issued.get(key(name)));
  }

  /**
   * Orders every due name, one after the other, then reinstalls the served set. Blocking; call from
   * one background thread. Never throws: failures are recorded per name.
   */
  public void runDue() {
    forgetUnwanted();
    for (String name : dueNames()) {
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      issueOne(name);
    }
    synchronized (this) {
      install();
    }
  }

  /**
   * Forgets names nobody wants any more (a released domain, a removed project, a dropped node
   * name): their backoff and pending requests go, and their certificate once it has expired (files
   * deleted, a {@code removed} event). A still-valid certificate is kept (not served while the name
   * is not eligible), so a name that comes back within its validity needs no new order.
   */
  private synchronized void forgetUnwanted() {
    boolean changed = requested.keySet().removeIf(n -> !eligible.test(n));
    Set<String> want = currentWanted();
    changed |= attempts.keySet().removeIf(n -> !want.contains(n));
    changed |= challengeUsed.keySet().removeIf(n -> !want.contains(n) && !issued.containsKey(n));
    Instant now = clock.instant();
    for (String n : List.copyOf(issued.keySet())) {
      SniKeyManager.KeyAndChain kc = issued.get(n);
      if (!want.contains(n) && !now.isBefore(kc.chain()[0].getNotAfter().toInstant())) {
        issued.remove(n);
        challengeUsed.remove(n);
        try {
          Files.deleteIfExists(dir.resolve("certs").resolve(fileName(n) + ".pem"));
          Files.deleteIfExists(dir.resolve("certs").resolve(fileName(n) + ".key"));
          event(n, "removed", "expired and no longer wanted: certificate and key deleted");
        } catch (IOException e) {
          event(n, "error", "cannot delete the expired certificate: " + e.getMessage());
        }
        changed = true;
      }
    }
    if (changed) {
      install();
      saveState();
    }
  }

  private synchronized List<String> dueNames() {
    Instant now = clock.instant();
    List<String> out = new ArrayList<>();
    for (String n : currentWanted()) {
      if (!eligible.test(n)) {
        continue;
      }
      SniKeyManager.KeyAndChain kc = issued.get(n);
      if (kc != null && !due(kc) && !renewRequested(n)) {
        continue;
      }
      Attempt a = attempts.get(n);
      if (a != null && now.isBefore(a.next())) {
        continue;
      }
      out.add(n);
    }
    return out;
  }

  private Set<String> currentWanted() {
    Set<String> out = new java.util.TreeSet<>();
    for (String s : wanted.get()) {
      out.add(s.toLowerCase(Locale.ROOT));
    }
    out.addAll(requested.keySet());
    return out;
  }

  private boolean renewRequested(String name) {
    Request r = requested.get(name);
    return r != null && r.renew();
  }

  private boolean due(SniKeyManager.KeyAndChain kc) {
    return !clock.instant().isBefore(renewAt(kc.chain()[0], settings.renewBefore()));
  }

  /**
   * When a certificate is due for renewal (pure): {@code renewBefore} before its end, or when a
   * third of its lifetime is left if that is later (a 90-day certificate renews 30 days before its
   * end, a 6-day one 2 days before).
   */
  static Instant renewAt(X509Certificate leaf, Duration renewBefore) {
    Instant start = leaf.getNotBefore().toInstant();
    Instant end = leaf.getNotAfter().toInstant();
    Duration third = Duration.between(start, end).dividedBy(3);
    Duration before = third.compareTo(renewBefore) < 0 ? third : renewBefore;
    return end.minus(before);
  }

  /**
   * The challenge types to offer for one order (pure): the operator's requested type alone, else
   * the preference with the type that failed last moved to the end.
   */
  static List<String> preference(
      List<String> configured, Optional<String> requested, String failedLast) {
    if (requested.isPresent()) {
      return List.of(requested.get());
    }
    if (failedLast == null || !configured.contains(failedLast) || configured.size() == 1) {
      return configured;
    }
    List<String> out = new ArrayList<>(configured);
    out.remove(failedLast);
    out.add(failedLast);
    return out;
  }

  /**
   * The challenge types of one order (pure): {@link #preference}, then DNS-01 left out when the
   * name is not in the node's own zone (with the reason); a wildcard gets DNS-01 alone, whatever
   * the preference says, since ACME allows nothing else for it.
   */
  static Plan plan(
      String name,
      List<String> configured,
      Optional<String> requested,
      String failedLast,
      boolean inOwnZone) {
    if (name.startsWith("*.")) {
      return inOwnZone
          ? new Plan(List.of(DNS_01), null)
          : new Plan(
              List.of(),
              "a wildcard needs dns-01 and the node's DNS is not authoritative for " + name);
    }
    List<String> types = preference(configured, requested, failedLast);
    if (inOwnZone || !types.contains(DNS_01)) {
      return new Plan(types, null);
    }
    List<String> out = new ArrayList<>(types);
    out.remove(DNS_01);
    String why =
        "dns-01 skipped for "
            + name
            + ": the node's DNS is not authoritative for it (only the cloud FQDN and names under"
            + " it)";
    if (out.isEmpty()) {
      why += "; no other challenge type is configured (jtau.acme.challenges)";
    }
    return new Plan(out, why);
  }

  private void issueOne(String name) {
    List<String> types;
    Optional<URL> known;
    synchronized (this) {
      if (!eligible.test(name)) {
        event(name, "refused", "no longer a verified project domain or a node name");
        return;
      }
      Request r0 = requested.get(name);
      Attempt prev0 = attempts.get(name);
      Plan plan =
          plan(
              name,
              settings.challenges(),
              r0 == null ? Optional.empty() : r0.challenge(),
              prev0 == null ? null : prev0.challenge(),
              scope.ownZone().test(name));
      if (plan.types().isEmpty()) {
        // Nothing this node can answer for the name: recorded as a failure (backed off), no order.
        failed(name, plan.skipped(), Optional.empty(), null);
        return;
      }
      if (plan.skipped() != null && skipNoted.add(name)) {
        // Said once per name and run of the node, not at every renewal check.
        event(name, "skipped", plan.skipped());
      }
      types = plan.types();
      Instant now = clock.instant();
      while (!recentOrders.isEmpty() && recentOrders.peekFirst().isBefore(now.minusSeconds(3600))) {
        recentOrders.removeFirst();
      }
      if (recentOrders.size() >= settings.ordersPerHour()) {
        Instant next = recentOrders.peekFirst().plusSeconds(3600);
        Attempt prev = attempts.get(name);
        attempts.put(
            name,
            new Attempt(
                prev == null ? 0 : prev.failures(),
                now,
                next,
                "node limit of "
                    + settings.ordersPerHour()
                    + " orders per hour reached (jtau.acme.orders-per-hour)",
                prev == null ? null : prev.challenge()));
        saveState();
        return;
      }
      recentOrders.addLast(now);
      issuing = name;
      known = Optional.ofNullable(account);
      saveState();
    }
    try {
      // The JDK's own EC key (not the library's provider), so the TLS server can sign with it.
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      KeyPair certKey = g.generateKeyPair();
      AcmeClient.Issued got = client.issue(name, accountKey(), known, certKey, challenges, types);
      List<X509Certificate> chain = got.chain();
      SniKeyManager.KeyAndChain kc =
          new SniKeyManager.KeyAndChain(
              certKey.getPrivate(), chain.toArray(X509Certificate[]::new));
      store(name, kc);
      synchronized (this) {
        boolean renewal = issued.put(name, kc) != null;
        attempts.remove(name);
        requested.remove(name);
        challengeUsed.put(name, got.challenge());
        account = got.account();
        install();
        event(
            name,
            renewal ? "renewed" : "issued",
            "certificate by "
                + chain.get(0).getIssuerX500Principal().getName()
                + " until "
                + chain.get(0).getNotAfter().toInstant()
                + " ("
                + got.challenge()
                + ")");
        saveState();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (AcmeRateLimitedException e) {
      failed(name, "rate limited by the CA: " + e.getMessage(), e.getRetryAfter(), null);
    } catch (AcmeClient.OrderFailed e) {
      failed(name, e.getMessage(), Optional.empty(), e.challenge);
    } catch (AcmeException
        | IOException
        | RuntimeException
        | java.security.GeneralSecurityException e) {
      failed(
          name,
          "ACME server "
              + settings.directory()
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          Optional.empty(),
          null);
    } finally {
      synchronized (this) {
        issuing = null;
      }
    }
  }

  private synchronized void failed(
      String name, String error, Optional<Instant> retryAfter, String challenge) {
    Instant now = clock.instant();
    Attempt prev = attempts.get(name);
    int failures = prev == null ? 1 : prev.failures() + 1;
    Instant next = now.plus(backoff(failures, settings.backoffMin(), settings.backoffMax()));
    if (retryAfter.isPresent() && retryAfter.get().isAfter(next)) {
      next = retryAfter.get();
    }
    attempts.put(name, new Attempt(failures, now, next, error, challenge));
    event(name, "failed", error + " (attempt " + failures + ", next at " + next + ")");
    saveState();
  }

  /** The wait after the n-th consecutive failure: min·2^(n-1), capped at max (pure). */
  static Duration backoff(int failures, Duration min, Duration max) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    long millis = min.toMillis();
    for (int i = 1; i < failures && millis < max.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  private void install() {
    Map<String, SniKeyManager.KeyAndChain> served = new TreeMap<>();
    issued.forEach(
        (n, kc) -> {
          if (eligible.test(n)) {
            served.put(n, kc);
          }
        });
    sni.put(OWNER, served);
  }

  /** Re-installs the served set (call when names start or stop being eligible). */
  public synchronized void refresh() {
    install();
  }

  private void event(String name, String kind, String message) {
    events.addLast(new Event(clock.instant(), name, kind, message));
    while (events.size() > EVENTS) {
      events.removeFirst();
    }
  }

  private KeyPair accountKey() throws IOException {
    synchronized (this) {
      Path f = dir.resolve("account.key");
      if (Files.isRegularFile(f)) {
        String pem =
            sealer.open(Files.readString(f, StandardCharsets.UTF_8).strip(), "acme/account");
        return readKeyPair(pem);
      }
      KeyPair kp;
      try {
        // Made and read with an unregistered BouncyCastle instance: its PEM keeps the public key,
        // and nothing depends on someone having registered the provider globally.
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", bc);
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        kp = g.generateKeyPair();
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException("cannot make the ACME account key: " + e.getMessage(), e);
      }
      StringWriter w = new StringWriter();
      KeyPairUtils.writeKeyPair(kp, w);
      writePrivate(f, sealer.seal(w.toString(), "acme/account") + "\n");
      return kp;
    }
  }

  private KeyPair readKeyPair(String pem) throws IOException {
    try (org.bouncycastle.openssl.PEMParser parser =
        new org.bouncycastle.openssl.PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (!(o instanceof org.bouncycastle.openssl.PEMKeyPair pair)) {
        throw new IOException("account.key holds no key pair");
      }
      return new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
          .setProvider(bc)
          .getKeyPair(pair);
    }
  }

  private void store(String name, SniKeyManager.KeyAndChain kc) throws IOException {
    StringBuilder chain = new StringBuilder();
    try {
      for (X509Certificate c : kc.chain()) {
        chain.append(Pem.encode("CERTIFICATE", c.getEncoded()));
      }
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("cannot encode the certificate of " + name, e);
    }
    String keyPem = Pem.encode("PRIVATE KEY", kc.key().getEncoded());
    String file = fileName(name);
    writePrivate(dir.resolve("certs").resolve(file + ".key"), sealer.seal(keyPem, context(name)));
    Path pem = dir.resolve("certs").resolve(file + ".pem");
    Path tmp = pem.resolveSibling(pem.getFileName() + ".tmp");
    Files.writeString(tmp, chain.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, pem, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private SniKeyManager.KeyAndChain load(String name)
      throws IOException, java.security.GeneralSecurityException {
    String file = fileName(name);
    String chain = Files.readString(dir.resolve("certs").resolve(file + ".pem"));
    String sealed = Files.readString(dir.resolve("certs").resolve(file + ".key")).strip();
    return Pem.read(chain, sealer.open(sealed, context(name)));
  }

  /**
   * The file name (without extension) a certificate is stored under (pure): the name itself, or
   * {@code _wildcard.x} for {@code *.x} (no {@code *} in file names). No DNS name starts with
   * {@code _wildcard.} ({@link #normalize} refuses underscores), so the two never collide.
   */
  static String fileName(String name) {
    return name.startsWith("*.") ? WILDCARD_FILE + name.substring(2) : name;
  }

  /** The name a stored file holds (pure): the inverse of {@link #fileName}. */
  static String nameOfFile(String file) {
    return file.startsWith(WILDCARD_FILE) ? "*." + file.substring(WILDCARD_FILE.length()) : file;
  }

  /** A name this manager keeps: one of the node's own wildcards, else a normalized DNS name. */
  private String key(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    return scope.wildcards().contains(n) ? n : normalize(name);
  }

  private static String context(String name) {
    return "acme/cert/" + name;
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the file keeps the default mode.
    }
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Checks a challenge type name (one this node can answer). */
  public static String checkChallenge(String type) {
    if (!AcmeClient.TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "unknown ACME challenge type " + type + " (expected one of " + AcmeClient.TYPES + ")");
    }
    return type;
  }

  /** The challenge types this node can answer, by their ACME names. */
  public static List<String> challengeTypes() {
    return AcmeClient.TYPES;
  }

  // State file: the account URL (for this directory), backoffs, the last hour's orders, events.

  private Path stateFile() {
    return dir.resolve("state.json");
  }

  private void loadState() throws IOException {
    Path f = stateFile();
    if (!Files.isRegularFile(f)) {
      return;
    }
    try {
      State st = JSON.readValue(f.toFile(), State.class);
      if (st.directory() != null && st.directory().equals(settings.directory().toString())) {
        account = st.account() == null ? null : URI.create(st.account()).toURL();
      }
      if (st.attempts() != null) {
        attempts.putAll(st.attempts());
      }
      if (st.challenges() != null) {
        challengeUsed.putAll(st.challenges());
      }
      if (st.orders() != null) {
        st.orders().stream().sorted().forEach(recentOrders::addLast);
      }
      if (st.events() != null) {
        st.events().forEach(events::addLast);
      }
    } catch (IOException | RuntimeException e) {
      // A damaged state file costs the backoff memory, never the certificates: start afresh,
      // keep the damaged file next to it for a person to look at.
      Files.move(f, f.resolveSibling("state.json.damaged"), StandardCopyOption.REPLACE_EXISTING);
      event("-", "error", "state.json did not load (kept as state.json.damaged): " + e);
    }
  }

  private void saveState() {
    State st =
        new State(
            settings.directory().toString(),
            account == null ? null : account.toString(),
            new TreeMap<>(attempts),
            new TreeMap<>(challengeUsed),
            List.copyOf(recentOrders),
            List.copyOf(events));
    Path f = stateFile();
    Path tmp = f.resolveSibling("state.json.tmp");
    try {
      byte[] bytes = JSON.writeValueAsBytes(st);
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(
              tmp,
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.WRITE,
              java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      event("-", "error", "cannot write state.json: " + e.getMessage());
    }
  }

  /** What {@code state.json} holds. */
  record State(
      String directory,
      String account,
      Map<String, Attempt> attempts,
      Map<String, String> challenges,
      List<Instant> orders,
      List<Event> events) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(
              com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * Lower-cases a name and checks it is a plain DNS name (no wildcard, no path characters). Every
   * name from a user (API, CLI, project domains, node names) goes through here: only the node's own
   * wildcard ({@code jtau.acme.wildcard-generated}) is ever ordered.
   */
  public static String normalize(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.startsWith("*")) {
      throw new IllegalArgumentException(
          "not a DNS name: "
              + name
              + " (wildcard certificates are ordered only for the node's generated domains,"
              + " jtau.acme.wildcard-generated)");
    }
    if (!NAME.matcher(n).matches() || n.contains("..") || !n.contains(".")) {
      throw new IllegalArgumentException("not a DNS name: " + name);
    }
    return n;
  }
}
