package io.jtau.dream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.build.CBuilder;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The notes (JavaScript) and fib (C) samples the dream seeds, called over real HTTP. The C one
 * needs clang and wasi-libc: without them the dream still becomes ready and says why fib is
 * stalled.
 */
@QuarkusTest
@LocalCloud
class SamplesIT {

  static final String NOTES = "notes-zvuddnxe.g.dream.localhost";
  static final String FIB = "fib-t7fn7esh.g.dream.localhost";

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  HttpResponse<String> send(Cloud cloud, String host, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cloud.port() + path))
            .header("Host", host)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void notesInJavaScriptStoresReadsAndRefusesABadName(Cloud cloud) throws Exception {
    HttpResponse<String> saved = send(cloud, NOTES, "POST", "/notes?name=todo", "buy milk");
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
    assertThat(saved.body()).isEqualTo("saved todo\n");
    assertThat(send(cloud, NOTES, "GET", "/notes?name=todo", null).body()).isEqualTo("buy milk");
    HttpResponse<String> all = send(cloud, NOTES, "GET", "/notes", null);
    assertThat(all.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(all.body()).contains("\"todo\":\"buy milk\"");
    HttpResponse<String> missing = send(cloud, NOTES, "GET", "/notes?name=nope", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("no note nope\n");
    HttpResponse<String> bad = send(cloud, NOTES, "POST", "/notes?name=Bad%20Name", "x");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("name must be 1 to 40 characters");
  }

  @Test
  void fibInCAnswersOrTheDreamSaysWhyItIsStalled(Cloud cloud) throws Exception {
    if (!new CBuilder().available()) {
      assertThat(cloud.api("GET", "/api/dream").body())
          .contains("\"fib\":\"Stalled: ")
          .contains("clang is not installed");
      Assumptions.abort("clang is not installed: fib is Stalled, as the dream status says");
    }
    assertThat(send(cloud, FIB, "GET", "/fib?n=50", null).body())
        .isEqualTo("fib(50) = 12586269025\n");
    assertThat(send(cloud, FIB, "GET", "/fib", null).body()).isEqualTo("fib(10) = 55\n");
    HttpResponse<String> bad = send(cloud, FIB, "GET", "/fib?n=94", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).isEqualTo("n must be a whole number from 0 to 93\n");
  }
}
