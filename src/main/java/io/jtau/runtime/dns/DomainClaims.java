package io.jtau.runtime.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import jetbrains.exodus.bindings.StringBinding;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;

/**
 * Custom-domain claims: a project claims a name and gets a random token (128 bits); the name is
 * served for that project only once a TXT record at {@code _jtau.<fqdn>} (or tau's name {@code
 * <first 8 characters of the project id>.<fqdn>}) holds exactly that token. Claims are stored
 * durably (Xodus, durable writes) and re-verified periodically: a verified name whose record stops
 * verifying keeps serving for a grace period, then stops; a claim never verified within its
 * time-to-live is released, as is a claim a project no longer wants. A lookup failure never
 * verifies. Only one project holds a verified claim on a name at a time. Thread-safe; verification
 * blocks on DNS.
 */
public final class DomainClaims implements AutoCloseable {

  /** The TXT name jtau reads first. */
  public static final String TXT_PREFIX = "_jtau.";

  /** Timing rules. */
  public record Settings(Duration grace, Duration claimTtl) {}

  /**
   * A claim. Times are epoch milliseconds; 0 = never.
   *
   * @param verifiedAt last successful verification while serving (0 = not serving)
   * @param failingSince first failed re-verification of a serving claim (0 = not failing)
   */
  public record Claim(
      String project,
      String fqdn,
      String token,
      long createdAt,
      long verifiedAt,
      long failingSince,
      long checkedAt) {
    public boolean verified() {
      return verifiedAt > 0;
    }

    /** The TXT record names that may hold the token. */
    public List<String> txtNames(String projectId) {
      List<String> names = new ArrayList<>();
      names.add(TXT_PREFIX + fqdn);
      if (projectId != null && projectId.length() >= 8) {
        names.add(projectId.substring(0, 8) + "." + fqdn);
      }
      return names;
    }
  }

  /** The outcome of a verification. */
  public record Verification(boolean verified, String message, Claim claim) {}

  private final Environment env;
  private final Clock clock;
  private final Random random;
  private final TxtResolver resolver;
  private final Settings settings;
  private final Map<String, Claim> claims = new ConcurrentHashMap<>();

  /**
   * @param random the token source (a {@link java.security.SecureRandom} outside tests)
   */
  public DomainClaims(
      Path dir, Clock clock, Random random, TxtResolver resolver, Settings settings) {
    this.env =
        Environments.newInstance(dir.toFile(), new EnvironmentConfig().setLogDurableWrite(true));
    this.clock = clock;
    this.random = random;
    this.resolver = resolver;
    this.settings = settings;
    env.executeInTransaction(
        txn -> {
          Store s = store(txn);
          try (Cursor c = s.openCursor(txn)) {
            while (c.getNext()) {
              Claim cl = decode(StringBinding.entryToString(c.getValue()));
              claims.put(key(cl.project(), cl.fqdn()), cl);
            }
          }
        });
  }

  private Store store(jetbrains.exodus.env.Transaction txn) {
    return env.openStore("claims", StoreConfig.WITHOUT_DUPLICATES, txn);
  }

  /** Normalises a name: lower case, no trailing dot; refuses what is not a host name. */
  public static String normalize(String fqdn) {
    String f = fqdn.trim().toLowerCase(Locale.ROOT);
    if (f.endsWith(".")) {
      f = f.substring(0, f.length() - 1);
    }
    if (f.isEmpty() || f.length() > 253 || !f.contains(".")) {
      throw new IllegalArgumentException("not a domain name: " + fqdn);
    }
    for (String label : f.split("\\.", -1)) {
      if (label.isEmpty()
          || label.length() > 63
          || !label.matches("[a-z0-9_-]+")
          || label.startsWith("-")
          || label.endsWith("-")) {
        throw new IllegalArgumentException("not a domain name: " + fqdn);
      }
    }
    return f;
  }

  /** Claims a name for a project; returns the existing claim when there is one. Idempotent. */
  public synchronized Claim claim(String project, String fqdn) {
    String f = normalize(fqdn);
    Claim existing = claims.get(key(project, f));
    if (existing != null) {
      return existing;
    }
    byte[] t = new byte[20];
    random.nextBytes(t);
    Claim c =
        new Claim(
            project, f, "jtau-verify=" + HexFormat.of().formatHex(t), clock.millis(), 0, 0, 0);
    save(c);
    return c;
  }

  /** The claim of a project on a name. */
  public Optional<Claim> get(String project, String fqdn) {
    return Optional.ofNullable(claims.get(key(project, normalize(fqdn))));
  }

  /** Every claim, of one project or (null) all. */
  public List<Claim> list(String project) {
    List<Claim> out = new ArrayList<>();
    for (Claim c : claims.values()) {
      if (project == null || c.project().equals(project)) {
        out.add(c);
      }
    }
    out.sort(java.util.Comparator.comparing(Claim::fqdn).thenComparing(Claim::project));
    return out;
  }

  /** Whether the project may serve the name now. Never blocks. */
  public boolean isVerified(String project, String fqdn) {
    Claim c = claims.get(key(project, fqdn.toLowerCase(Locale.ROOT)));
    return c != null && c.verified();
  }

  /** Whether any project holds a verified claim on the name now. Never blocks. */
  public boolean isVerifiedByAny(String fqdn) {
    String f = fqdn.toLowerCase(Locale.ROOT);
    for (Claim c : claims.values()) {
      if (c.fqdn().equals(f) && c.verified()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks the TXT records of a claim now.
   *
   * @param projectId the project's id (for tau's TXT name), or null
   */
  public Verification verify(String project, String fqdn, String projectId) {
    String f = normalize(fqdn);
    Claim c = claims.get(key(project, f));
    if (c == null) {
      return new Verification(
          false, "project " + project + " has no claim on " + f + ": run tau domain claim", null);
    }
    String found = check(c, projectId);
    long now = clock.millis();
    synchronized (this) {
      c = claims.get(key(project, f));
      if (c == null) {
        return new Verification(false, "the claim on " + f + " was released", null);
      }
      if (found == null) {
        Optional<Claim> other = verifiedByOther(project, f);
        if (other.isPresent() && other.get().failingSince() == 0) {
          return new Verification(
              false, f + " is verified by another project; it must release the name first", c);
        }
        other.ifPresent(
            o -> save(new Claim(o.project(), o.fqdn(), o.token(), o.createdAt(), 0, 0, now)));
        c = new Claim(c.project(), f, c.token(), c.createdAt(), now, 0, now);
        save(c);
        return new Verification(true, f + " is verified for project " + project, c);
      }
      Claim failed =
          c.verified()
              ? new Claim(
                  c.project(),
                  f,
                  c.token(),
                  c.createdAt(),
                  c.verifiedAt(),
                  c.failingSince() == 0 ? now : c.failingSince(),
                  now)
              : new Claim(c.project(), f, c.token(), c.createdAt(), 0, 0, now);
      save(failed);
      return new Verification(false, found, failed);
    }
  }

  /** Null when the token is found; otherwise why not. */
  private String check(Claim c, String projectId) {
    List<String> seen = new ArrayList<>();
    for (String name : c.txtNames(projectId)) {
      try {
        List<String> values = resolver.txt(name);
        if (values.contains(c.token())) {
          return null;
        }
        seen.add(name + (values.isEmpty() ? " has no TXT record" : " holds another value"));
      } catch (IOException e) {
        seen.add(name + ": lookup failed (" + e.getMessage() + ")");
      }
    }
    return "token not found: " + String.join("; ", seen);
  }

  private Optional<Claim> verifiedByOther(String project, String fqdn) {
    for (Claim c : claims.values()) {
      if (c.fqdn().equals(fqdn) && !c.project().equals(project) && c.verified()) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * Re-verifies every claim and applies the timing rules: releases claims never verified within
   * their time-to-live and claims whose project no longer wants them; stops serving a name whose
   * record has failed for longer than the grace period.
   *
   * @param projectIdOf project name → project id (null when unknown)
   * @param wanted (project, fqdn) → whether the project still declares the domain
   * @return whether any name started or stopped serving
   */
  public boolean reverifyAll(
      Function<String, String> projectIdOf, java.util.function.BiPredicate<String, String> wanted) {
    boolean changed = false;
    for (Claim c : List.copyOf(claims.values())) {
      long now = clock.millis();
      if (!wanted.test(c.project(), c.fqdn())
          || (!c.verified() && now - c.createdAt() > settings.claimTtl().toMillis())) {
        changed |= c.verified();
        release(c.project(), c.fqdn());
        continue;
      }
      boolean before = c.verified();
      Verification v = verify(c.project(), c.fqdn(), projectIdOf.apply(c.project()));
      Claim after = v.claim();
      if (after != null
          && after.verified()
          && after.failingSince() > 0
          && now - after.failingSince() > settings.grace().toMillis()) {
        synchronized (this) {
          save(
              new Claim(
                  after.project(), after.fqdn(), after.token(), after.createdAt(), 0, 0, now));
        }
      }
      changed |= before != isVerified(c.project(), c.fqdn());
    }
    return changed;
  }

  /** Drops a claim (the name stops serving for the project). Idempotent. */
  public synchronized void release(String project, String fqdn) {
    String k = key(project, normalize(fqdn));
    claims.remove(k);
    env.executeInTransaction(txn -> store(txn).delete(txn, StringBinding.stringToEntry(k)));
  }

  private void save(Claim c) {
    String k = key(c.project(), c.fqdn());
    env.executeInTransaction(
        txn ->
            store(txn)
                .put(txn, StringBinding.stringToEntry(k), StringBinding.stringToEntry(encode(c))));
    claims.put(k, c);
  }

  private static String key(String project, String fqdn) {
    return project + "\n" + fqdn;
  }

  private static String encode(Claim c) {
    return String.join(
        "\t",
        c.project(),
        c.fqdn(),
        c.token(),
        Long.toString(c.createdAt()),
        Long.toString(c.verifiedAt()),
        Long.toString(c.failingSince()),
        Long.toString(c.checkedAt()));
  }

  private static Claim decode(String s) {
    String[] f = s.split("\t", -1);
    return new Claim(
        f[0],
        f[1],
        f[2],
        Long.parseLong(f[3]),
        Long.parseLong(f[4]),
        Long.parseLong(f[5]),
        Long.parseLong(f[6]));
  }

  /** A digest helper for status pages: the token's fingerprint (never the token itself). */
  public static String fingerprint(String token) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    env.close();
  }
}
