package io.jtau.runtime.wasm;

import java.nio.charset.StandardCharsets;

/**
 * Guesses a Content-Type from the first 512 bytes of a body with the algorithm of the WHATWG MIME
 * sniffing standard as Go's {@code http.DetectContentType} applies it: HTML and XML signatures
 * (after leading whitespace), common binary signatures, then {@code text/plain; charset=utf-8} when
 * no control bytes are present, else {@code application/octet-stream}. JSON is not recognised (it
 * is plain text), as in Go. Pure.
 */
final class ContentSniffer {

  private ContentSniffer() {}

  private static final String[] HTML_TAGS = {
    "<!DOCTYPE HTML",
    "<HTML",
    "<HEAD",
    "<SCRIPT",
    "<IFRAME",
    "<H1",
    "<DIV",
    "<FONT",
    "<TABLE",
    "<A",
    "<STYLE",
    "<TITLE",
    "<B",
    "<BODY",
    "<BR",
    "<P",
    "<!--"
  };

  static String detect(byte[] body, int length) {
    int n = Math.min(512, length);
    int ws = 0;
    while (ws < n && isWs(body[ws])) {
      ws++;
    }
    for (String tag : HTML_TAGS) {
      if (htmlTagAt(body, ws, n, tag)) {
        return "text/html; charset=utf-8";
      }
    }
    if (startsWith(body, ws, n, "<?xml")) {
      return "text/xml; charset=utf-8";
    }
    if (startsWith(body, 0, n, "%PDF-")) {
      return "application/pdf";
    }
    if (startsWith(body, 0, n, "%!PS-Adobe-")) {
      return "application/postscript";
    }
    if (n >= 2 && (body[0] & 0xff) == 0xFE && (body[1] & 0xff) == 0xFF) {
      return "text/plain; charset=utf-16be";
    }
    if (n >= 2 && (body[0] & 0xff) == 0xFF && (body[1] & 0xff) == 0xFE) {
      return "text/plain; charset=utf-16le";
    }
    if (n >= 3
        && (body[0] & 0xff) == 0xEF
        && (body[1] & 0xff) == 0xBB
        && (body[2] & 0xff) == 0xBF) {
      return "text/plain; charset=utf-8";
    }
    if (bytesAt(body, n, 0, 0x00, 0x00, 0x01, 0x00)) {
      return "image/x-icon";
    }
    if (bytesAt(body, n, 0, 0x00, 0x00, 0x02, 0x00)) {
      return "image/x-icon";
    }
    if (startsWith(body, 0, n, "BM")) {
      return "image/bmp";
    }
    if (startsWith(body, 0, n, "GIF87a") || startsWith(body, 0, n, "GIF89a")) {
      return "image/gif";
    }
    if (n >= 14 && startsWith(body, 0, n, "RIFF") && startsWith(body, 8, n, "WEBPVP")) {
      return "image/webp";
    }
    if (bytesAt(body, n, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (bytesAt(body, n, 0, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(body, 0, n, "OggS\u0000")) {
      return "application/ogg";
    }
    if (startsWith(body, 0, n, "ID3")) {
      return "audio/mpeg";
    }
    if (n >= 12 && startsWith(body, 0, n, "RIFF") && startsWith(body, 8, n, "WAVE")) {
      return "audio/wave";
    }
    if (n >= 12 && startsWith(body, 4, n, "ftyp") && mp4Brand(body, n)) {
      return "video/mp4";
    }
    if (bytesAt(body, n, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
      return "video/webm";
    }
    if (startsWith(body, 0, n, "wOFF")) {
      return "font/woff";
    }
    if (startsWith(body, 0, n, "wOF2")) {
      return "font/woff2";
    }
    if (bytesAt(body, n, 0, 0x00, 0x01, 0x00, 0x00)) {
      return "font/ttf";
    }
    if (startsWith(body, 0, n, "OTTO")) {
      return "font/otf";
    }
    if (bytesAt(body, n, 0, 0x1F, 0x8B, 0x08)) {
      return "application/x-gzip";
    }
    if (bytesAt(body, n, 0, 'P', 'K', 0x03, 0x04)) {
      return "application/zip";
    }
    if (bytesAt(body, n, 0, 'R', 'a', 'r', ' ', 0x1A, 0x07, 0x00)
        || bytesAt(body, n, 0, 'R', 'a', 'r', ' ', 0x1A, 0x07, 0x01, 0x00)) {
      return "application/x-rar-compressed";
    }
    if (bytesAt(body, n, 0, 0x00, 0x61, 0x73, 0x6D)) {
      return "application/wasm";
    }
    for (int i = ws; i < n; i++) {
      int b = body[i] & 0xff;
      if (b <= 0x08 || b == 0x0B || (b >= 0x0E && b <= 0x1A) || (b >= 0x1C && b <= 0x1F)) {
        return "application/octet-stream";
      }
    }
    return "text/plain; charset=utf-8";
  }

  private static boolean isWs(byte b) {
    return b == '\t' || b == '\n' || b == 0x0C || b == '\r' || b == ' ';
  }

  private static boolean htmlTagAt(byte[] b, int off, int n, String tag) {
    int len = tag.length();
    if (n - off < len + 1) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      byte c = b[off + i];
      char t = tag.charAt(i);
      if (t >= 'A' && t <= 'Z') {
        c &= (byte) 0xDF;
      }
      if (c != (byte) t) {
        return false;
      }
    }
    byte term = b[off + len];
    return term == ' ' || term == '>';
  }

  private static boolean startsWith(byte[] b, int off, int n, String sig) {
    byte[] s = sig.getBytes(StandardCharsets.ISO_8859_1);
    if (n - off < s.length) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (b[off + i] != s[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean bytesAt(byte[] b, int n, int off, int... sig) {
    if (n - off < sig.length) {
      return false;
    }
    for (int i = 0; i < sig.length; i++) {
      if ((b[off + i] & 0xff) != sig[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean mp4Brand(byte[] b, int n) {
    int boxSize =
        ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if (boxSize < 12 || boxSize % 4 != 0 || n < boxSize) {
      return false;
    }
    for (int i = 8; i + 3 <= boxSize; i += 4) {
      if (i == 12) {
        continue;
      }
      if (b[i] == 'm' && b[i + 1] == 'p' && b[i + 2] == '4') {
        return true;
      }
    }
    return false;
  }
}
