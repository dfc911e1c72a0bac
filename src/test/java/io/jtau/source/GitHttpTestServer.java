package io.jtau.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real Git smart-HTTP server for tests (fetch only): bare repositories served by JGit's {@code
 * UploadPack} behind the JDK's HTTP server on 127.0.0.1. It records every request's path and
 * Authorization header, can require a bearer password, and can answer a path with a redirect.
 */
public final class GitHttpTestServer implements AutoCloseable {

  public record Seen(String path, String authorization) {}

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final Map<String, Repository> repos = new ConcurrentHashMap<>();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  public final AtomicInteger uploads = new AtomicInteger();
  private volatile String requiredPassword;

  public GitHttpTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Serves {@code repo} at {@code /<name>.git}. */
  public String serve(String name, Repository repo) {
    repos.put(name, repo);
    return url(name);
  }

  public String url(String name) {
    return "http://127.0.0.1:" + port() + "/" + name + ".git";
  }

  /** Answers every request under {@code /<name>.git} with a 302 to {@code target}. */
  public void redirect(String name, String target) {
    redirects.put(name, target);
  }

  /** Requires HTTP basic auth whose password is {@code password}. */
  public void requirePassword(String password) {
    this.requiredPassword = password;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      seen.add(new Seen(path, ex.getRequestHeaders().getFirst("Authorization")));
      String name =
          path.substring(1, path.indexOf(".git") > 0 ? path.indexOf(".git") : path.length());
      String target = redirects.get(name);
      if (target != null) {
        String q = ex.getRequestURI().getRawQuery();
        ex.getResponseHeaders()
            .add(
                "Location",
                target + path.substring(path.indexOf(".git") + 4) + (q == null ? "" : "?" + q));
        ex.sendResponseHeaders(302, -1);
        return;
      }
      if (requiredPassword != null) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String expected =
            java.util.Base64.getDecoder()
                        .decode(auth == null || !auth.startsWith("Basic ") ? "" : auth.substring(6))
                        .length
                    == 0
                ? null
                : new String(
                    java.util.Base64.getDecoder().decode(auth.substring(6)),
                    java.nio.charset.StandardCharsets.UTF_8);
        if (expected == null || !expected.endsWith(":" + requiredPassword)) {
          ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
          ex.sendResponseHeaders(401, -1);
          return;
        }
      }
      Repository repo = repos.get(name);
      if (repo == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (ex.getRequestMethod().equals("GET") && path.endsWith("/info/refs")) {
        ex.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
          PacketLineOut pck = new PacketLineOut(out);
          pck.writeString("# service=git-upload-pack\n");
          pck.end();
          UploadPack up = new UploadPack(repo);
          up.setBiDirectionalPipe(false);
          up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
        }
        return;
      }
      if (ex.getRequestMethod().equals("POST") && path.endsWith("/git-upload-pack")) {
        uploads.incrementAndGet();
        ex.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
        ex.sendResponseHeaders(200, 0);
        InputStream in = ex.getRequestBody();
        if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
          in = new GZIPInputStream(in);
        }
        try (OutputStream out = ex.getResponseBody()) {
          UploadPack up = new UploadPack(repo);
          up.setBiDirectionalPipe(false);
          up.upload(in, out, null);
        }
        return;
      }
      ex.sendResponseHeaders(404, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
