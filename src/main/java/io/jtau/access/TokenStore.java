package io.jtau.access;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

/**
 * Project tokens and per-project access settings, on Xodus with durable writes (a token is usable
 * and a revocation effective once the call returns, also after a crash). Only the SHA-256 of each
 * token is stored; the token itself is returned once, by {@link #create}.
 *
 * <p>{@link #authenticate} hashes the presented text and compares the hash with the operator's and
 * with every stored hash through {@link HashEquality} ({@link MessageDigest#isEqual} in
 * production), always scanning the whole list, so the time taken does not depend on which stored
 * hash matches or how much of it matches. Thread-safe; reads are served from an in-memory copy and
 * never block.
 */
public final class TokenStore implements AutoCloseable {

  /** Compares two fixed-length hashes; production uses {@link MessageDigest#isEqual}. */
  @FunctionalInterface
  public interface HashEquality {
    boolean equal(byte[] a, byte[] b);
  }

  /** A token just created: its public description and the token itself, shown once. */
  public record Created(TokenInfo info, String token) {
    @Override
    public String toString() {
      return "Created[" + info + ", token=<redacted>]";
    }
  }

  private record Entry(TokenInfo info, byte[] hash) {}

  /** Project names: the same grammar as repository names. */
  public static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9 ._@:-]{0,64}");
  private static final String TOKENS = "tokens";
  private static final String SETTINGS = "settings";
  private static final String ANONYMOUS_READ = "anonymous-read";

  private final Environment env;
  private final Clock clock;
  private final SecureRandom random;
  private final HashEquality equality;
  private final byte[] operatorHash;
  private volatile List<Entry> entries;
  private volatile Set<String> anonymousRead;

  /**
   * Opens (creating) the store in {@code dir}.
   *
   * @param operatorToken the node's operator token (only its hash is kept)
   */
  public TokenStore(
      Path dir, String operatorToken, Clock clock, SecureRandom random, HashEquality equality) {
    if (operatorToken == null || !Tokens.wellFormed(operatorToken)) {
      throw new IllegalArgumentException("the operator token is missing or malformed");
    }
    this.clock = clock;
    this.random = random;
    this.equality = equality;
    this.operatorHash = Tokens.hash(operatorToken);
    this.env =
        Environments.newInstance(dir.toFile(), new EnvironmentConfig().setLogDurableWrite(true));
    env.executeInTransaction(
        txn -> {
          open(txn, TOKENS);
          open(txn, SETTINGS);
        });
    reload();
  }

  /** Production constant-time comparison. */
  public TokenStore(Path dir, String operatorToken, Clock clock, SecureRandom random) {
    this(dir, operatorToken, clock, random, MessageDigest::isEqual);
  }

  private Store open(Transaction txn, String name) {
    return env.openStore(name, StoreConfig.WITHOUT_DUPLICATES, txn);
  }

  /**
   * Who presents {@code token}, or empty when it is no valid token (unknown, revoked, malformed).
   * Never logs the token.
   */
  public Optional<Principal> authenticate(String token) {
    byte[] presented = Tokens.hash(token == null ? "" : token);
    boolean operator = equality.equal(presented, operatorHash);
    Entry match = null;
    for (Entry e : entries) {
      // No early exit: every stored hash is compared.
      if (equality.equal(presented, e.hash()) && match == null) {
        match = e;
      }
    }
    if (operator) {
      return Optional.of(new Principal.Operator());
    }
    if (match == null) {
      return Optional.empty();
    }
    TokenInfo i = match.info();
    return Optional.of(new Principal.ProjectToken(i.id(), i.name(), i.project(), i.scopes()));
  }

  /** Creates a token for {@code project} with {@code scopes}; the token is in the answer only. */
  public Created create(String project, Set<Scope> scopes, String name, String createdBy) {
    requireProject(project);
    if (scopes == null || scopes.isEmpty()) {
      throw new IllegalArgumentException("scopes: at least one scope is required");
    }
    String label = name == null ? "" : name;
    if (!LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException(
          "name: at most 64 letters, digits, spaces and . _ @ : - characters");
    }
    String token = Tokens.generate(random);
    TokenInfo info =
        new TokenInfo(Tokens.newId(random), label, project, scopes, clock.millis(), createdBy);
    byte[] hash = Tokens.hash(token);
    env.executeInExclusiveTransaction(
        txn ->
            open(txn, TOKENS).put(txn, text(info.id()), new ArrayByteIterable(encode(info, hash))));
    reload();
    return new Created(info, token);
  }

  /** Revokes a token; false when no token has that id. Idempotent. */
  public boolean revoke(String id) {
    boolean[] removed = {false};
    env.executeInExclusiveTransaction(txn -> removed[0] = open(txn, TOKENS).delete(txn, text(id)));
    reload();
    return removed[0];
  }

  /** The token with that id. */
  public Optional<TokenInfo> find(String id) {
    return entries.stream().map(Entry::info).filter(i -> i.id().equals(id)).findFirst();
  }

  /** Tokens of one project, or of every project when {@code project} is null; oldest first. */
  public List<TokenInfo> list(String project) {
    return entries.stream()
        .map(Entry::info)
        .filter(i -> project == null || i.project().equals(project))
        .sorted(Comparator.comparingLong(TokenInfo::createdAtMillis).thenComparing(TokenInfo::id))
        .toList();
  }

  /** Whether anyone may clone the project's repositories without credentials. */
  public boolean anonymousRead(String project) {
    return anonymousRead.contains(project);
  }

  /** Opts a project in or out of anonymous clones. Idempotent. */
  public void setAnonymousRead(String project, boolean allowed) {
    requireProject(project);
    env.executeInExclusiveTransaction(
        txn -> {
          Store s = open(txn, SETTINGS);
          ByteIterable k = text(project + "\0" + ANONYMOUS_READ);
          if (allowed) {
            s.put(txn, k, text("true"));
          } else {
            s.delete(txn, k);
          }
        });
    reload();
  }

  static void requireProject(String project) {
    if (project == null || !PROJECT.matcher(project).matches()) {
      throw new IllegalArgumentException(
          "project: '" + project + "' is not a project name (lower-case letters, digits, - and _)");
    }
  }

  private synchronized void reload() {
    List<Entry> list = new ArrayList<>();
    java.util.Set<String> anon = new java.util.HashSet<>();
    env.executeInReadonlyTransaction(
        txn -> {
          try (Cursor c = open(txn, TOKENS).openCursor(txn)) {
            while (c.getNext()) {
              list.add(decode(string(c.getKey()), string(c.getValue())));
            }
          }
          try (Cursor c = open(txn, SETTINGS).openCursor(txn)) {
            while (c.getNext()) {
              String[] k = string(c.getKey()).split("\0", 2);
              if (k.length == 2 && k[1].equals(ANONYMOUS_READ)) {
                anon.add(k[0]);
              }
            }
          }
        });
    entries = List.copyOf(list);
    anonymousRead = java.util.Set.copyOf(anon);
  }

  private static byte[] encode(TokenInfo i, byte[] hash) {
    String scopes = String.join(",", i.scopes().stream().map(Scope::label).sorted().toList());
    return String.join(
            "\n",
            "v1",
            i.project(),
            i.name(),
            scopes,
            Long.toString(i.createdAtMillis()),
            i.createdBy() == null ? "" : i.createdBy(),
            HexFormat.of().formatHex(hash))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Entry decode(String id, String text) {
    String[] f = text.split("\n", -1);
    if (f.length != 7 || !f[0].equals("v1")) {
      throw new IllegalStateException("token " + id + ": unreadable record");
    }
    Set<Scope> scopes = f[3].isEmpty() ? EnumSet.noneOf(Scope.class) : Scope.parseList(f[3]);
    byte[] hash = HexFormat.of().parseHex(f[6]);
    if (hash.length != Tokens.HASH_BYTES) {
      throw new IllegalStateException("token " + id + ": hash of " + hash.length + " bytes");
    }
    return new Entry(new TokenInfo(id, f[2], f[1], scopes, Long.parseLong(f[4]), f[5]), hash);
  }

  private static ByteIterable text(String s) {
    return new ArrayByteIterable(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String string(ByteIterable b) {
    return new String(b.getBytesUnsafe(), 0, b.getLength(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    env.close();
  }
}
