package io.jtau.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jtau.port.Builder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox as a hostile build sees it. */
class SandboxTest {

  @TempDir Path dir;
  BuildFixture f;

  @BeforeEach
  void open() throws Exception {
    assumeTrue(Sandbox.findBwrap().isPresent(), "bubblewrap (bwrap) is not installed");
    f = new BuildFixture(dir);
  }

  @AfterEach
  void close() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void aScriptCannotReachTheNetwork() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      var tree =
          BuildFixture.workflow(
              "(exec 3<>/dev/tcp/127.0.0.1/"
                  + port
                  + ") && echo CONNECTED || { echo NO-NETWORK; exit 7; }\n");
      Builder.Result r =
          f.service.build(BuildFixture.request("p", "net", "function", tree, Map.of()));
      assertThat(r).isInstanceOf(Builder.Failed.class);
      Builder.Failed fail = (Builder.Failed) r;
      assertThat(fail.message()).contains(".taubyte/build.sh exited with code 7");
      assertThat(fail.log()).doesNotContain("CONNECTED").contains("NO-NETWORK");
      server.setSoTimeout(1);
      boolean connected;
      try (var s = server.accept()) {
        connected = true;
      } catch (SocketTimeoutException e) {
        connected = false;
      }
      assertThat(connected).as("the sandbox reached the host's loopback").isFalse();
    }
  }
}
