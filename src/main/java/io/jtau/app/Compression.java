package io.jtau.app;

import io.jtau.runtime.gateway.Brotli;
import io.jtau.runtime.gateway.WebsiteServer;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/** The content encodings this node can produce for websites, preferred first: br, then gzip. */
final class Compression {

  private static final Logger LOG = Logger.getLogger(Compression.class);

  private Compression() {}

  static List<WebsiteServer.Compressor> available() {
    List<WebsiteServer.Compressor> out = new ArrayList<>();
    Brotli.load()
        .ifPresentOrElse(
            out::add,
            () ->
                LOG.infof(
                    "brotli is not available here (%s): websites get gzip only",
                    Brotli.unavailableReason()));
    out.add(WebsiteServer.GZIP);
    return out;
  }
}
