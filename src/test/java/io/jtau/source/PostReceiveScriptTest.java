package io.jtau.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped {@code git-hooks/post-receive} signs what the generic receiver verifies. */
class PostReceiveScriptTest {

  @TempDir Path tmp;

  static boolean has(String tool) {
    try {
      return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void theScriptsSignatureVerifiesAndARefusalNeverFailsThePush() throws Exception {
    Assumptions.assumeTrue(
        has("git") && has("openssl") && has("curl"), "git, openssl or curl missing");
    Map<String, String> headers = new HashMap<>();
    byte[][] body = new byte[1][];
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.createContext(
        "/",
        ex -> {
          ex.getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
          body[0] = ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(202, -1);
          ex.close();
        });
    server.start();
    try {
      Path repo = tmp.resolve("repo.git");
      assertThat(
              new ProcessBuilder("git", "init", "-q", "--bare", repo.toString()).start().waitFor())
          .isZero();
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/hooks/generic/abc";
      String secret = "s3cret-for-test";
      run(repo, "git", "config", "jtau.hookUrl", url);
      run(repo, "git", "config", "jtau.hookSecret", secret);
      Path script = Path.of("git-hooks/post-receive").toAbsolutePath();
      ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(repo.toFile());
      pb.environment().put("GIT_DIR", repo.toString());
      pb.redirectErrorStream(true);
      Process p = pb.start();
      p.getOutputStream()
          .write(
              ("0000000000000000000000000000000000000000 " + "1".repeat(40) + " refs/heads/main\n")
                  .getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(out).contains("jtau: node notified (202)").doesNotContain(secret);
      WebhookVerifier.Verdict v =
          WebhookVerifier.verify(
              WebhookVerifier.Provider.GENERIC,
              h -> headers.get(h.toLowerCase(Locale.ROOT)),
              body[0],
              secret.getBytes(StandardCharsets.UTF_8));
      assertThat(v).isInstanceOf(WebhookVerifier.Accepted.class);
      assertThat(((WebhookVerifier.Accepted) v).kind()).isEqualTo(WebhookVerifier.Kind.PUSH);
      assertThat(new String(body[0], StandardCharsets.UTF_8)).contains("refs/heads/main");
    } finally {
      server.stop(0);
    }
  }

  static void run(Path dir, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("GIT_DIR", dir.toString());
    assertThat(pb.start().waitFor()).isZero();
  }
}
