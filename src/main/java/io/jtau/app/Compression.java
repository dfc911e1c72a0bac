package io.jtau.app;

import io.jtau.runtime.gateway.WebsiteServer;
import java.util.List;

/** The content encodings this node can produce for websites, preferred first. */
final class Compression {

  private Compression() {}

  static List<WebsiteServer.Compressor> available() {
    return List.of(WebsiteServer.GZIP);
  }
}
