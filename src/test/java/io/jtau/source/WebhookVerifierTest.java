package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.source.WebhookVerifier.Provider;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookVerifierTest {

  static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
  static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  static final String GITHUB_VECTOR =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Test
  void githubsDocumentedTestVector() {
    assertThat(WebhookVerifier.githubSignature(SECRET, BODY)).isEqualTo(GITHUB_VECTOR);
  }

  static Stream<Arguments> table() {
    String hex = GITHUB_VECTOR.substring(7);
    return Stream.of(
        Arguments.of(
            "github valid",
            Provider.GITHUB,
            Map.of(
                "X-Hub-Signature-256",
                GITHUB_VECTOR,
                "X-GitHub-Event",
                "push",
                "X-GitHub-Delivery",
                "d1"),
            "PUSH d1"),
        Arguments.of(
            "github upper-case hex",
            Provider.GITHUB,
            Map.of(
                "X-Hub-Signature-256",
                "sha256=" + hex.toUpperCase(Locale.ROOT),
                "X-GitHub-Event",
                "ping"),
            "PING "),
        Arguments.of(
            "github missing",
            Provider.GITHUB,
            Map.of("X-GitHub-Event", "push"),
            "rejected: missing X-Hub-Signature-256 header"),
        Arguments.of(
            "github sha1 only",
            Provider.GITHUB,
            Map.of("X-Hub-Signature", "sha1=0123", "X-GitHub-Event", "push"),
            "rejected: only a sha1 signature was sent; configure the hook with a secret so"),
        Arguments.of(
            "github wrong",
            Provider.GITHUB,
            Map.of("X-Hub-Signature-256", "sha256=" + "0".repeat(64)),
            "rejected: X-Hub-Signature-256 does not match the hook's secret"),
        Arguments.of(
            "github no prefix",
            Provider.GITHUB,
            Map.of("X-Hub-Signature-256", hex),
            "rejected: X-Hub-Signature-256 does not match the hook's secret"),
        Arguments.of(
            "github not hex",
            Provider.GITHUB,
            Map.of("X-Hub-Signature-256", "sha256=zz"),
            "rejected: X-Hub-Signature-256 does not match the hook's secret"),
        Arguments.of(
            "github unknown event",
            Provider.GITHUB,
            Map.of("X-Hub-Signature-256", GITHUB_VECTOR, "X-GitHub-Event", "issues"),
            "OTHER "),
        Arguments.of(
            "gitea valid",
            Provider.GITEA,
            Map.of("X-Gitea-Signature", hex, "X-Gitea-Event", "push", "X-Gitea-Delivery", "g1"),
            "PUSH g1"),
        Arguments.of(
            "gitea github-style prefix",
            Provider.GITEA,
            Map.of("X-Gitea-Signature", GITHUB_VECTOR),
            "rejected: X-Gitea-Signature does not match the hook's secret"),
        Arguments.of(
            "gitlab token",
            Provider.GITLAB,
            Map.of(
                "X-Gitlab-Token",
                "It's a Secret to Everybody",
                "X-Gitlab-Event",
                "Push Hook",
                "X-Gitlab-Event-UUID",
                "u1"),
            "PUSH u1"),
        Arguments.of(
            "gitlab wrong token",
            Provider.GITLAB,
            Map.of("X-Gitlab-Token", "It's a Secret to Everybody!"),
            "rejected: X-Gitlab-Token does not match the hook's secret"),
        Arguments.of(
            "gitlab tag push",
            Provider.GITLAB,
            Map.of(
                "X-Gitlab-Token", "It's a Secret to Everybody", "X-Gitlab-Event", "Tag Push Hook"),
            "PUSH "),
        Arguments.of(
            "gitlab issue",
            Provider.GITLAB,
            Map.of("X-Gitlab-Token", "It's a Secret to Everybody", "X-Gitlab-Event", "Issue Hook"),
            "OTHER "),
        Arguments.of(
            "generic valid, no event = push",
            Provider.GENERIC,
            Map.of("X-Jtau-Signature-256", GITHUB_VECTOR, "X-Jtau-Delivery", "j1"),
            "PUSH j1"),
        Arguments.of(
            "generic missing",
            Provider.GENERIC,
            Map.of("X-Hub-Signature-256", GITHUB_VECTOR),
            "rejected: missing X-Jtau-Signature-256 header"),
        Arguments.of(
            "oversized header",
            Provider.GITHUB,
            Map.of("X-Hub-Signature-256", "sha256=" + "a".repeat(500)),
            "rejected: X-Hub-Signature-256 header is too long"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void verdicts(String name, Provider provider, Map<String, String> headers, String expected) {
    Map<String, String> lower = new HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    WebhookVerifier.Verdict v =
        WebhookVerifier.verify(provider, h -> lower.get(h.toLowerCase(Locale.ROOT)), BODY, SECRET);
    String shown =
        v instanceof WebhookVerifier.Accepted a
            ? a.kind() + " " + a.deliveryId()
            : "rejected: " + ((WebhookVerifier.Rejected) v).reason();
    assertThat(shown).isEqualTo(expected);
  }

  @Test
  void aBodyChangedByOneByteIsRejected() {
    byte[] changed = "Hello, World?".getBytes(StandardCharsets.UTF_8);
    assertThat(
            WebhookVerifier.verify(
                Provider.GITHUB,
                h -> h.equals("X-Hub-Signature-256") ? GITHUB_VECTOR : null,
                changed,
                SECRET))
        .isInstanceOf(WebhookVerifier.Rejected.class);
  }
}
