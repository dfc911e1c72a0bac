package io.jtau.runtime.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtau.model.Cid;
import io.jtau.store.FileContentStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebsiteServerTest {

  @TempDir Path tmp;
  FileContentStore store;
  BundleCache bundles;
  WebsiteServer server;
  Cid site;

  static final String BIG_JS = "console.log('jtau');\n".repeat(2000);

  @BeforeEach
  void setUp() throws IOException {
    store = new FileContentStore(tmp.resolve("store"));
    bundles = new BundleCache(store, tmp.resolve("bundles"), 8, Bundle.Limits.defaults());
    server =
        new WebsiteServer(
            bundles,
            store,
            List.of(WebsiteServer.GZIP),
            new WebsiteServer.Settings(
                4096, 1 << 20, 1024, 1 << 24, "no-cache", "public, max-age=60"));
    Map<String, String> files = new LinkedHashMap<>();
    files.put("index.html", "<html>root</html>");
    files.put("app.js", BIG_JS);
    files.put("guide/index.html", "<html>guide</html>");
    files.put("empty/readme.txt", "no index here");
    files.put("data.bin", "0123456789");
    site = store.put(Zips.zip(files));
  }

  @AfterEach
  void tearDown() throws Exception {
    store.close();
  }

  StaticResponse get(String matched, String path) throws IOException {
    return server.serve(site, matched, StaticRequest.get(path), true).orElseThrow();
  }

  static String body(StaticResponse r) throws IOException {
    return new String(bytes(r), StandardCharsets.UTF_8);
  }

  static byte[] bytes(StaticResponse r) throws IOException {
    if (r.body() instanceof StaticResponse.Bytes b) {
      return java.util.Arrays.copyOfRange(b.data(), b.offset(), b.offset() + b.count());
    }
    if (r.body() instanceof StaticResponse.FileRegion f) {
      byte[] all = Files.readAllBytes(f.file());
      return java.util.Arrays.copyOfRange(all, (int) f.offset(), (int) (f.offset() + f.count()));
    }
    return new byte[0];
  }

  @Test
  void servesFilesWithTypeEtagAndCacheControl() throws IOException {
    StaticResponse r = get("/", "/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(body(r)).isEqualTo("<html>root</html>");
    assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(r.header("ETag")).isEqualTo("\"" + site + "/index.html\"");
    assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
    StaticResponse js = get("/", "/app.js");
    assertThat(js.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(js.header("Cache-Control")).isEqualTo("public, max-age=60");
    assertThat(body(js)).isEqualTo(BIG_JS);
    assertThat(js.body()).isInstanceOf(StaticResponse.FileRegion.class);
  }

  @Test
  void directoriesServeTheirIndexAndIndexHtmlRedirects() throws IOException {
    assertThat(body(get("/", "/guide/"))).isEqualTo("<html>guide</html>");
    StaticResponse noSlash = get("/", "/guide");
    assertThat(noSlash.status()).isEqualTo(301);
    assertThat(noSlash.header("Location")).isEqualTo("guide/");
    StaticResponse idx = get("/", "/guide/index.html");
    assertThat(idx.status()).isEqualTo(301);
    assertThat(idx.header("Location")).isEqualTo("./");
    StaticResponse fileSlash = get("/", "/app.js/");
    assertThat(fileSlash.status()).isEqualTo(301);
    assertThat(fileSlash.header("Location")).isEqualTo("../app.js");
  }

  @Test
  void unknownPathsAndIndexlessDirectoriesFallBackToTheRootIndex() throws IOException {
    assertThat(body(get("/", "/some/client/route"))).isEqualTo("<html>root</html>");
    assertThat(get("/", "/some/client/route").status()).isEqualTo(200);
    assertThat(body(get("/", "/empty/"))).isEqualTo("<html>root</html>");
    assertThat(body(get("/docs", "/docs/guide/"))).isEqualTo("<html>guide</html>");
    assertThat(body(get("/docs", "/docs"))).isEqualTo("<html>root</html>");
  }

  @Test
  void noRootIndexGives404NotAListing() throws IOException {
    Cid noIndex = store.put(Zips.zip(Map.of("a.txt", "a")));
    StaticResponse r = server.serve(noIndex, "/", StaticRequest.get("/missing"), true).get();
    assertThat(r.status()).isEqualTo(404);
    assertThat(server.serve(noIndex, "/", StaticRequest.get("/"), true).get().status())
        .isEqualTo(404);
    assertThat(body(server.serve(noIndex, "/", StaticRequest.get("/a.txt"), true).get()))
        .isEqualTo("a");
  }

  @Test
  void ifNoneMatchGives304() throws IOException {
    String etag = get("/", "/").header("ETag");
    StaticRequest again = new StaticRequest("GET", "/", etag, null, null, null);
    StaticResponse r = server.serve(site, "/", again, true).get();
    assertThat(r.status()).isEqualTo(304);
    assertThat(r.body()).isInstanceOf(StaticResponse.Empty.class);
    StaticRequest weakList = new StaticRequest("GET", "/", "\"x\", W/" + etag, null, null, null);
    assertThat(server.serve(site, "/", weakList, true).get().status()).isEqualTo(304);
    StaticRequest other = new StaticRequest("GET", "/", "\"other\"", null, null, null);
    assertThat(server.serve(site, "/", other, true).get().status()).isEqualTo(200);
  }

  @Test
  void rangesGive206And416() throws IOException {
    StaticResponse r =
        server
            .serve(
                site,
                "/",
                new StaticRequest("GET", "/data.bin", null, "bytes=2-4", null, null),
                true)
            .get();
    assertThat(r.status()).isEqualTo(206);
    assertThat(body(r)).isEqualTo("234");
    assertThat(r.header("Content-Range")).isEqualTo("bytes 2-4/10");
    StaticResponse suffix =
        server
            .serve(
                site,
                "/",
                new StaticRequest("GET", "/data.bin", null, "bytes=-3", null, null),
                true)
            .get();
    assertThat(body(suffix)).isEqualTo("789");
    StaticResponse open =
        server
            .serve(
                site, "/", new StaticRequest("GET", "/app.js", null, "bytes=5-", null, null), true)
            .get();
    assertThat(body(open)).isEqualTo(BIG_JS.substring(5));
    StaticResponse beyond =
        server
            .serve(
                site,
                "/",
                new StaticRequest("GET", "/data.bin", null, "bytes=10-", null, null),
                true)
            .get();
    assertThat(beyond.status()).isEqualTo(416);
    assertThat(beyond.header("Content-Range")).isEqualTo("bytes */10");
    StaticResponse multi =
        server
            .serve(
                site,
                "/",
                new StaticRequest("GET", "/data.bin", null, "bytes=0-1,3-4", null, null),
                true)
            .get();
    assertThat(multi.status()).isEqualTo(200);
    StaticResponse staleIfRange =
        server
            .serve(
                site,
                "/",
                new StaticRequest("GET", "/data.bin", null, "bytes=0-1", "\"old\"", null),
                true)
            .get();
    assertThat(staleIfRange.status()).isEqualTo(200);
  }

  @Test
  void gzipVariantIsComputedOnceStoredByContentAndNegotiated() throws IOException {
    StaticRequest gz = new StaticRequest("GET", "/app.js", null, null, null, "br;q=0, gzip");
    StaticResponse r = server.serve(site, "/", gz, true).get();
    assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(r.header("Vary")).isEqualTo("Accept-Encoding");
    assertThat(r.header("ETag")).isEqualTo("\"" + site + "/app.js+gzip\"");
    byte[] packed = bytes(r);
    assertThat(packed.length).isLessThan(BIG_JS.length() / 10);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(BIG_JS);
    }
    Cid stored = server.variantCid(site, "app.js", "gzip").orElseThrow();
    assertThat(store.read(stored)).isEqualTo(packed);
    // Cached: the second answer needs no I/O.
    assertThat(server.serve(site, "/", gz, false)).isPresent();
    StaticRequest refused = new StaticRequest("GET", "/app.js", null, null, null, "gzip;q=0");
    assertThat(server.serve(site, "/", refused, true).get().header("Content-Encoding")).isNull();
    // Small files are not worth compressing.
    StaticRequest small = new StaticRequest("GET", "/", null, null, null, "gzip");
    assertThat(server.serve(site, "/", small, true).get().header("Content-Encoding")).isNull();
  }

  @Test
  void withoutIoAllowedAColdBundleAsksForAWorkerThread() throws IOException {
    assertThat(server.serve(site, "/", StaticRequest.get("/"), false)).isEmpty();
    get("/", "/");
    assertThat(server.serve(site, "/", StaticRequest.get("/"), false)).isPresent();
  }

  @Test
  void headHasLengthButNoBody() throws IOException {
    StaticResponse r =
        server
            .serve(site, "/", new StaticRequest("HEAD", "/data.bin", null, null, null, null), true)
            .get();
    assertThat(r.header("Content-Length")).isEqualTo("10");
    assertThat(r.body()).isInstanceOf(StaticResponse.Empty.class);
  }

  @Test
  void unsafeZipEntriesAreNeverServable() throws IOException {
    Map<String, String> evil = new LinkedHashMap<>();
    evil.put("index.html", "home");
    evil.put("../escape.txt", "x");
    evil.put("/abs.txt", "x");
    evil.put("a\\b.txt", "x");
    Cid cid = store.put(Zips.zip(evil));
    Bundle b = bundles.open(cid);
    assertThat(b.rejectedEntries()).isEqualTo(3);
    assertThat(b.fileCount()).isEqualTo(1);
    assertThat(body(server.serve(cid, "/", StaticRequest.get("/escape.txt"), true).get()))
        .isEqualTo("home");
  }

  @Test
  void aBundleThatIsNotAZipIsRefusedWithItsCid() throws IOException {
    Cid notZip = store.put("plain text".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> bundles.open(notZip))
        .hasMessageContaining("website bundle " + notZip + " is not a ZIP");
  }
}
