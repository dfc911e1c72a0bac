package io.jtau.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which token the CLI presents, and that the dream's token never goes to another node. */
class NodeClientTest {

  @TempDir Path dir;
  HttpServer server;
  final AtomicReference<String> seen = new AtomicReference<>();
  String base;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          seen.set(auth == null ? "none" : auth);
          byte[] body =
              (auth == null ? "{\"error\":\"a token is required\"}" : "[]")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(auth == null ? 401 : 200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  Path dreamJson(String gatewayBase, String token) throws Exception {
    Path p = dir.resolve("dream.json");
    Files.writeString(
        p, "{\"gatewayBase\":\"" + gatewayBase + "\",\"operatorToken\":\"" + token + "\"}");
    return p;
  }

  @Test
  void optionBeatsEnvironmentBeatsDreamJson() throws Exception {
    Path dream = dreamJson(base, "jtau_dream");
    NodeClient.locate(null, "jtau_option", Map.of("TAU_TOKEN", "jtau_env"), dream).get("/api/x");
    assertThat(seen.get()).isEqualTo("Bearer jtau_option");
    NodeClient.locate(null, null, Map.of("TAU_TOKEN", "jtau_env"), dream).get("/api/x");
    assertThat(seen.get()).isEqualTo("Bearer jtau_env");
    NodeClient.locate(null, null, Map.of(), dream).get("/api/x");
    assertThat(seen.get()).isEqualTo("Bearer jtau_dream");
  }

  @Test
  void theDreamTokenIsNotSentToAnotherNode() throws Exception {
    Path dream = dreamJson("http://127.0.0.1:1", "jtau_dream");
    NodeClient c = NodeClient.locate(base, null, Map.of(), dream);
    assertThat(c.hasToken()).isFalse();
    assertThatThrownBy(() -> c.get("/api/x"))
        .hasMessageContaining("the node needs a token: pass --token, set TAU_TOKEN")
        .hasMessageContaining("a token is required");
    assertThat(seen.get()).isEqualTo("none");
  }

  @Test
  void noNodeAtAllIsExitCode2() {
    assertThatThrownBy(() -> NodeClient.locate(null, null, Map.of(), dir.resolve("none.json")))
        .isInstanceOfSatisfying(
            NodeClient.NodeException.class, e -> assertThat(e.exitCode).isEqualTo(2));
  }
}
