package io.jtau;

import io.jtau.app.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** The in-process node's operator token, for end-to-end tests that call its API. */
public final class TestAuth {

  private TestAuth() {}

  public static String operatorToken(Node node) {
    try {
      return Files.readString(node.operatorTokenFile(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds the operator token as bearer to a request. */
  public static HttpRequest.Builder operator(HttpRequest.Builder b, Node node) {
    return b.header("Authorization", "Bearer " + operatorToken(node));
  }
}
