package io.jtau.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jtau.app.HttpPort;
import io.jtau.app.Node;
import io.jtau.app.WebsiteApplier;
import io.jtau.model.Cid;
import io.jtau.model.Identity;
import io.jtau.model.ProjectConfig;
import io.jtau.model.ProjectKey;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Static-file requests/s of the gateway vs nginx serving the same file, both on loopback, measured
 * with wrk in the same run (bench/website-vs-nginx.sh runs it; not part of the test gate). Access
 * logs are off on both sides and the per-project limits are off, so the figure is the serving path.
 */
@QuarkusTest
@TestProfile(WebsiteBenchmark.Profile.class)
class WebsiteBenchmark {

  /** Benchmark settings: no access log, no request-rate limit. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "jtau.gateway.access-log", "false",
          "jtau.gateway.rate-per-second", "0",
          "jtau.gateway.max-concurrent", "0",
          "quarkus.log.category.\"jtau.access\".level", "WARN");
    }
  }

  static final String HOST = "bench-abcdefgh.g.dream.localhost";

  @Inject Node node;
  @Inject HttpPort port;

  @Test
  void gatewayVersusNginx() throws Exception {
    Assumptions.assumeTrue(Wrk.has("wrk") && Wrk.has("nginx"), "wrk or nginx is not installed");
    int seconds = Integer.getInteger("bench.seconds", 10);
    String file = "<!doctype html><title>jtau</title>" + "<p>static file body</p>\n".repeat(40);
    Path root = Files.createTempDirectory("jtau-nginx");
    Files.writeString(root.resolve("index.html"), file);
    // nginx workers drop privileges: the folder and file must be world-readable.
    Files.setPosixFilePermissions(
        root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        root.resolve("index.html"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    deploy(file);

    String gateway = "http://127.0.0.1:" + port.get() + "/index.html";
    // Warm up the JIT and the file cache, then measure.
    Wrk.wrk(gateway, HOST, 3);
    Wrk.Result ours = Wrk.wrk(gateway, HOST, seconds);

    int nginxPort = Wrk.freePort();
    Path conf = root.resolve("nginx.conf");
    Files.writeString(
        conf,
        "worker_processes auto; daemon off; pid "
            + root.resolve("nginx.pid")
            + "; error_log "
            + root.resolve("error.log")
            + ";\nevents { worker_connections 1024; }\nhttp { access_log off; server { listen 127.0.0.1:"
            + nginxPort
            + "; root "
            + root
            + "; location / { } } }\n");
    Process nginx =
        new ProcessBuilder("nginx", "-c", conf.toString(), "-p", root.toString())
            .redirectErrorStream(true)
            .start();
    Wrk.Result theirs;
    try {
      String nginxUrl = "http://127.0.0.1:" + nginxPort + "/index.html";
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(
              () ->
                  Wrk.run(
                          List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", nginxUrl),
                          5)
                      .equals("200"));
      Wrk.wrk(nginxUrl, null, 3);
      theirs = Wrk.wrk(nginxUrl, null, seconds);
    } finally {
      nginx.destroy();
      nginx.waitFor();
    }
    String json =
        String.format(
            java.util.Locale.ROOT,
            "{\"bytes\":%d,\"seconds\":%d,\"gateway\":{\"rps\":%.0f,\"p99ms\":%.2f,\"non2xx\":%d},"
                + "\"nginx\":{\"rps\":%.0f,\"p99ms\":%.2f,\"non2xx\":%d},\"ratio\":%.3f}",
            file.length(),
            seconds,
            ours.perSecond(),
            ours.p99Millis(),
            ours.errors(),
            theirs.perSecond(),
            theirs.p99Millis(),
            theirs.errors(),
            ours.perSecond() / theirs.perSecond());
    System.out.println("WEBSITE-BENCH " + json);
    Path results = Path.of(System.getProperty("bench.results", "bench/results"));
    Files.createDirectories(results);
    Files.writeString(
        results.resolve("website-vs-nginx-" + System.currentTimeMillis() + ".json"), json + "\n");
    assertEquals(0, ours.errors(), ours.raw());
  }

  void deploy(String index) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("index.html"));
      z.write(index.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    Cid bundle = node.store().put(out.toByteArray());
    ProjectKey key = new ProjectKey("bench", "main");
    Resource.Domain d =
        new Resource.Domain(Identity.of("QmD", "generated"), null, HOST, "auto", null, null);
    Resource.Website w =
        new Resource.Website(
            Identity.of("QmW", "site"),
            null,
            List.of("QmD"),
            List.of("/"),
            "main",
            "github",
            "1",
            "a/b");
    ProjectConfig config =
        new ProjectConfig(
            "QmBenchProjectAbCdEfGh", "bench", "", "", "", "", null, List.of(), List.of(d, w));
    Snapshot s =
        new Snapshot(
            key,
            "r",
            "c",
            "",
            0,
            config,
            Map.of(Snapshot.assetKey(w), bundle.value()),
            Map.of(),
            List.of());
    WebsiteApplier a = new WebsiteApplier(node.gateway(), node.bundles());
    a.prepare(key, s);
    a.apply(key, s);
  }
}
