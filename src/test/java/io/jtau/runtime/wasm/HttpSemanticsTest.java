package io.jtau.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tables for the pure pieces of the HTTP semantics (§4.6, §1.4, §3.5). */
class HttpSemanticsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "hello world|text/plain; charset=utf-8",
        "{\"a\": 1}|text/plain; charset=utf-8",
        "  <!DOCTYPE html><html>|text/html; charset=utf-8",
        "<html>|text/html; charset=utf-8",
        "<p>x</p>|text/html; charset=utf-8",
        "<?xml version='1.0'?>|text/xml; charset=utf-8",
        "%PDF-1.4|application/pdf",
        "GIF89a....|image/gif",
      })
  void sniffsLikeGo(String body, String type) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    assertThat(ContentSniffer.detect(b, b.length)).isEqualTo(type);
  }

  @ParameterizedTest(name = "binary {0}")
  @CsvSource({"'0,1,2,3',application/octet-stream", "'137,80,78,71,13,10,26,10',image/png"})
  void sniffsBinary(String bytes, String type) {
    String[] parts = bytes.split(",");
    byte[] b = new byte[parts.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(parts[i]);
    }
    assertThat(ContentSniffer.detect(b, b.length)).isEqualTo(type);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "accept-encoding,Accept-Encoding",
    "test,Test",
    "X-FORWARDED-FOR,X-Forwarded-For",
    "'bad key','bad key'",
    "content-type,Content-Type"
  })
  void canonicalisesHeaderNames(String in, String out) {
    assertThat(HttpNames.canonical(in)).isEqualTo(out);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"/a/b/../c,/a/c", "/a//b/./,/a/b", "/..,/", "'',.", "a/../..,.."})
  void cleansPathsLikeGo(String in, String out) {
    assertThat(HttpEvent.cleanPath(in)).isEqualTo(out);
  }

  @org.junit.jupiter.api.Test
  void parsesQueriesLikeGo() {
    Map<String, List<String>> q = HttpEvent.parseQuery("a=1&a=2&b=x+y&c&bad=%zz&semi=1;2&=e");
    assertThat(q)
        .containsExactly(
            Map.entry("a", List.of("1", "2")),
            Map.entry("b", List.of("x y")),
            Map.entry("c", List.of("")),
            Map.entry("", List.of("e")));
  }

  @org.junit.jupiter.api.Test
  void stringListsKeepEmptyEntriesAndDropUnterminatedTails() {
    assertThat(HostCatalog.stringList(List.of("main", "master")))
        .isEqualTo("main\0master\0".getBytes(StandardCharsets.UTF_8));
    assertThat(HostCatalog.decodeStringList("a\0\0b".getBytes(StandardCharsets.UTF_8)))
        .containsExactly("a", "");
  }

  @ParameterizedTest(name = "{0} public={1}")
  @CsvSource({
    "127.0.0.1,false",
    "10.1.2.3,false",
    "172.16.0.1,false",
    "192.168.1.1,false",
    "169.254.1.1,false",
    "100.64.0.1,false",
    "198.18.0.1,false",
    "168.63.129.16,false",
    "0.0.0.0,false",
    "::1,false",
    "fd00::1,false",
    "fe80::1,false",
    "64:ff9b::1,false",
    "2002::1,false",
    "93.184.216.34,true",
    "2606:4700::1111,true"
  })
  void classifiesEgressAddresses(String addr, boolean isPublic) throws Exception {
    assertThat(EgressPolicy.publicOnly().allows(InetAddress.getByName(addr), 80))
        .isEqualTo(isPublic);
  }
}
