package io.jtau.source;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook delivery comes from the Git host that knows the hook's secret, before
 * anything in the body is parsed. Every comparison is constant-time ({@link
 * MessageDigest#isEqual}). Stateless and thread-safe.
 */
public final class WebhookVerifier {

  /** A Git host's webhook dialect: where the signature, the event and the delivery id live. */
  public enum Provider {
    /** GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>}. */
    GITHUB("X-Hub-Signature-256", "X-GitHub-Event", "X-GitHub-Delivery"),
    /** Gitea and Forgejo: {@code X-Gitea-Signature: <hex HMAC-SHA256(secret, body)>}. */
    GITEA("X-Gitea-Signature", "X-Gitea-Event", "X-Gitea-Delivery"),
    /** GitLab: {@code X-Gitlab-Token} equals the secret (GitLab signs nothing). */
    GITLAB("X-Gitlab-Token", "X-Gitlab-Event", "X-Gitlab-Event-UUID"),
    /** Any other host, e.g. the {@code git-hooks/post-receive} script: like GitHub's scheme. */
    GENERIC("X-Jtau-Signature-256", "X-Jtau-Event", "X-Jtau-Delivery");

    public final String signatureHeader;
    public final String eventHeader;
    public final String deliveryHeader;

    Provider(String signatureHeader, String eventHeader, String deliveryHeader) {
      this.signatureHeader = signatureHeader;
      this.eventHeader = eventHeader;
      this.deliveryHeader = deliveryHeader;
    }

    /** The provider named in a hook URL ({@code github}, {@code gitea}, ...), or null. */
    public static Provider fromPath(String name) {
      for (Provider p : values()) {
        if (p.name().toLowerCase(Locale.ROOT).equals(name)) {
          return p;
        }
      }
      return null;
    }

    public String pathName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a delivery asks for once its signature holds. */
  public enum Kind {
    /** A push (or tag push): re-fetch the hook's repository. */
    PUSH,
    /** The host checking that the hook works. */
    PING,
    /** Anything else: acknowledged and ignored. */
    OTHER
  }

  /** The outcome of a check. */
  public sealed interface Verdict permits Accepted, Rejected {}

  /** The signature holds; {@code deliveryId} may be empty when the host sent none. */
  public record Accepted(Kind kind, String event, String deliveryId) implements Verdict {}

  /** The signature is missing or wrong; {@code reason} is safe to show (it holds no secret). */
  public record Rejected(String reason) implements Verdict {}

  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_HEADER = 256;

  private WebhookVerifier() {}

  /**
   * Verifies a delivery. {@code header} looks a request header up by name (case-insensitive),
   * returning null when absent.
   */
  public static Verdict verify(
      Provider provider, Function<String, String> header, byte[] body, byte[] secret) {
    String sig = header.apply(provider.signatureHeader);
    if (sig == null || sig.isBlank()) {
      if (provider == Provider.GITHUB && header.apply("X-Hub-Signature") != null) {
        return new Rejected("only a sha1 signature was sent; configure the hook with a secret so");
      }
      return new Rejected("missing " + provider.signatureHeader + " header");
    }
    if (sig.length() > MAX_HEADER) {
      return new Rejected(provider.signatureHeader + " header is too long");
    }
    boolean ok =
        switch (provider) {
          case GITHUB, GENERIC -> {
            if (!sig.startsWith("sha256=")) {
              yield false;
            }
            yield hexEquals(sig.substring(7), hmacSha256(secret, body));
          }
          case GITEA -> hexEquals(sig, hmacSha256(secret, body));
          case GITLAB ->
              MessageDigest.isEqual(sha256(sig.getBytes(StandardCharsets.UTF_8)), sha256(secret));
        };
    if (!ok) {
      return new Rejected(provider.signatureHeader + " does not match the hook's secret");
    }
    String event = trimmed(header.apply(provider.eventHeader));
    String delivery = trimmed(header.apply(provider.deliveryHeader));
    return new Accepted(kind(provider, event), event, delivery);
  }

  static Kind kind(Provider provider, String event) {
    String e = event.toLowerCase(Locale.ROOT);
    return switch (provider) {
      case GITHUB, GITEA ->
          e.equals("push") ? Kind.PUSH : e.equals("ping") ? Kind.PING : Kind.OTHER;
      case GITLAB ->
          e.equals("push hook") || e.equals("tag push hook")
              ? Kind.PUSH
              : e.equals("system hook") ? Kind.OTHER : Kind.OTHER;
      case GENERIC ->
          e.isEmpty() || e.equals("push") ? Kind.PUSH : e.equals("ping") ? Kind.PING : Kind.OTHER;
    };
  }

  private static String trimmed(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    return t.length() > MAX_HEADER ? t.substring(0, MAX_HEADER) : t;
  }

  private static boolean hexEquals(String givenHex, byte[] expected) {
    byte[] given;
    try {
      given = HEX.parseHex(givenHex.strip().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, expected);
  }

  /** HMAC-SHA256 of {@code body} under {@code secret}. */
  public static byte[] hmacSha256(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** {@code sha256=<hex>} as GitHub and the generic receiver expect. */
  public static String githubSignature(byte[] secret, byte[] body) {
    return "sha256=" + HEX.formatHex(hmacSha256(secret, body));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
