package io.jtau.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The scalar formats of config-format.md section 2: durations, sizes, domain names, e-mail
 * addresses, HTTP methods, variable names and code sources. Each check returns {@code null} when
 * the value is valid, else the message. Pure and thread-safe.
 */
final class Scalars {

  private Scalars() {}

  static final Pattern VARIABLE_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");

  /** The names tau-cli creates (config-format.md 1.3). */
  static final Pattern CLI_NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9_-]{0,249}$");

  static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** Thrown by the number parsers with the message to report. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  // ---------------------------------------------------------------- durations (section 2.3)

  private static final Map<String, Long> DURATION_UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L,
          "\u03bcs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);

  /**
   * Parses a duration to nanoseconds with the grammar of section 2.3. Negative durations are
   * refused (Improve: tau accepts them, but no timeout or TTL can be negative).
   */
  static long duration(String s) {
    String orig = s;
    String bad = "invalid duration \"" + orig + "\": time: invalid duration \"" + orig + "\"";
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw new Invalid(bad);
    }
    BigInteger total = BigInteger.ZERO;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!(c == '.' || isDigit(c))) {
        throw new Invalid(bad);
      }
      int start = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      String intPart = s.substring(start, i);
      String fracPart = "";
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fs = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
        }
        fracPart = s.substring(fs, i);
      }
      if (intPart.isEmpty() && fracPart.isEmpty()) {
        throw new Invalid(bad);
      }
      int us = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      if (us == i) {
        throw new Invalid(
            "invalid duration \"" + orig + "\": time: missing unit in duration \"" + orig + "\"");
      }
      String unit = s.substring(us, i);
      Long scale = DURATION_UNITS.get(unit);
      if (scale == null) {
        throw new Invalid(
            "invalid duration \""
                + orig
                + "\": time: unknown unit \""
                + unit
                + "\" in duration \""
                + orig
                + "\"");
      }
      if (intPart.length() > 25) {
        throw new Invalid(bad);
      }
      BigInteger v = intPart.isEmpty() ? BigInteger.ZERO : new BigInteger(intPart);
      v = v.multiply(BigInteger.valueOf(scale));
      if (v.compareTo(TWO_63) > 0) {
        throw new Invalid(bad);
      }
      if (!fracPart.isEmpty()) {
        // Digits beyond what a nanosecond can hold do not change the result; cap the work.
        String f = fracPart.length() > 30 ? fracPart.substring(0, 30) : fracPart;
        v =
            v.add(
                new BigDecimal(new BigInteger(f), f.length())
                    .multiply(BigDecimal.valueOf(scale))
                    .toBigInteger());
      }
      total = total.add(v);
      if (total.compareTo(TWO_63) > 0) {
        throw new Invalid(bad);
      }
    }
    if (neg && total.signum() > 0) {
      throw new Invalid("invalid duration \"" + orig + "\": negative durations are not allowed");
    }
    if (total.compareTo(TWO_63) >= 0) {
      throw new Invalid(bad);
    }
    return total.longValueExact();
  }

  // ---------------------------------------------------------------- sizes (section 2.4)

  private static final Map<String, Long> BINARY =
      Map.of(
          "B", 1L,
          "KiB", 1L << 10,
          "MiB", 1L << 20,
          "GiB", 1L << 30,
          "TiB", 1L << 40,
          "PiB", 1L << 50,
          "EiB", 1L << 60);

  private static final Map<String, Long> DECIMAL =
      Map.of(
          "B", 1L,
          "kB", 1_000L,
          "KB", 1_000L,
          "MB", 1_000_000L,
          "GB", 1_000_000_000L,
          "TB", 1_000_000_000_000L,
          "PB", 1_000_000_000_000_000L,
          "EB", 1_000_000_000_000_000_000L);

  /**
   * Parses a size to bytes: the binary table first, then the decimal one (the second table's error
   * is the one reported). Negative sizes are refused (Improve).
   */
  static long size(String s) {
    BigDecimal v;
    try {
      v = sizeIn(s, BINARY);
    } catch (Invalid first) {
      if (first.getMessage().endsWith("overflow parsing unit")) {
        throw first; // the units were right, the number is too big: no second table
      }
      v = sizeIn(s, DECIMAL);
    }
    if (v.signum() < 0 && v.toBigInteger().signum() != 0) {
      throw new Invalid("invalid size \"" + s + "\": negative sizes are not allowed");
    }
    BigInteger b = v.toBigInteger();
    if (b.compareTo(TWO_63) >= 0) {
      throw new Invalid("invalid size \"" + s + "\": units: overflow parsing unit");
    }
    return b.longValue();
  }

  private static BigDecimal sizeIn(String s, Map<String, Long> units) {
    String orig = s;
    String bad = "invalid size \"" + orig + "\": units: invalid " + orig;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return BigDecimal.ZERO;
    }
    if (s.isEmpty()) {
      throw new Invalid(bad);
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!(c == '.' || isDigit(c))) {
        throw new Invalid(bad);
      }
      int start = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      String intPart = s.substring(start, i);
      String fracPart = "";
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fs = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
        }
        fracPart = s.substring(fs, i);
      }
      if (intPart.isEmpty() && fracPart.isEmpty()) {
        throw new Invalid(bad);
      }
      if (intPart.length() > 19) {
        throw new Invalid(bad);
      }
      int us = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(us, i);
      Long scale = units.get(unit);
      if (scale == null) {
        throw new Invalid(
            "invalid size \"" + orig + "\": units: unknown unit " + unit + " in " + orig);
      }
      String f = fracPart.length() > 30 ? fracPart.substring(0, 30) : fracPart;
      BigDecimal g =
          new BigDecimal((intPart.isEmpty() ? "0" : intPart) + (f.isEmpty() ? "" : "." + f));
      total = total.add(g.multiply(BigDecimal.valueOf(scale)));
      if (total.compareTo(new BigDecimal(TWO_63)) >= 0) {
        throw new Invalid("invalid size \"" + orig + "\": units: overflow parsing unit");
      }
    }
    return neg ? total.negate() : total;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  // ---------------------------------------------------------------- other formats

  /** Domain name rules of section 2.6. */
  static boolean isFqdn(String s) {
    if (s.equals(".")) {
      return true;
    }
    int n = s.length();
    if (n == 0 || n > 254 || (n == 254 && s.charAt(n - 1) != '.')) {
      return false;
    }
    boolean sawNonDigit = false;
    int label = 0;
    char prev = '.';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        sawNonDigit = true;
        label++;
      } else if (c >= '0' && c <= '9') {
        label++;
      } else if (c == '-') {
        if (prev == '.') {
          return false;
        }
        sawNonDigit = true;
        label++;
      } else if (c == '.') {
        if (prev == '.' || prev == '-' || label == 0 || label > 63) {
          return false;
        }
        label = 0;
      } else {
        return false;
      }
      prev = c;
    }
    return prev != '-' && label <= 63 && sawNonDigit;
  }

  static boolean isHttpMethod(String s) {
    return HTTP_METHODS.contains(s.toUpperCase(Locale.ROOT));
  }

  static String source(String s) {
    if (s.equals(".") || s.startsWith("libraries/")) {
      return null;
    }
    return "must be \".\" or start with \"libraries/\", got \"" + s + "\"";
  }

  /**
   * E-mail address check following the RFC 5322 mailbox grammar as Go's {@code net/mail} reads it:
   * an addr-spec ({@code a@b.c}) or a name-addr ({@code Name <a@b.c>}). Returns the parser's
   * message on failure. Comments and groups are not supported (refused).
   */
  static String email(String s) {
    String t = s.strip();
    if (t.isEmpty()) {
      return "mail: no address";
    }
    if (addrSpec(t) == null) {
      return null;
    }
    int lt = t.indexOf('<');
    if (lt < 0) {
      // No angle-addr: tau's parser tells a bare word ("foo.bar") from a phrase ("Full Name").
      boolean atext = true;
      for (int i = 0; i < t.length(); i++) {
        if (!isAtext(t.charAt(i)) && t.charAt(i) != '.') {
          atext = false;
          break;
        }
      }
      if (t.indexOf('@') >= 0) {
        return addrSpec(t);
      }
      return atext ? "mail: missing '@' or angle-addr" : "mail: no angle-addr";
    }
    String name = t.substring(0, lt).strip();
    if (!name.isEmpty() && !isPhrase(name)) {
      return "mail: invalid string";
    }
    int gt = t.indexOf('>', lt);
    if (gt < 0) {
      return "mail: unclosed angle-addr";
    }
    if (!t.substring(gt + 1).isBlank()) {
      return "mail: expected single address";
    }
    return addrSpec(t.substring(lt + 1, gt).strip());
  }

  /** null when {@code s} is a valid addr-spec, else the message. */
  private static String addrSpec(String s) {
    int at = s.lastIndexOf('@');
    if (at < 0) {
      return "mail: missing @ in addr-spec";
    }
    String local = s.substring(0, at);
    String domain = s.substring(at + 1);
    if (local.isEmpty()) {
      return "mail: invalid string";
    }
    if (local.startsWith("\"") && local.endsWith("\"") && local.length() >= 2) {
      for (int i = 1; i < local.length() - 1; i++) {
        char c = local.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          return "mail: bad character in quoted-string";
        }
      }
    } else if (!isDotAtom(local)) {
      return "mail: invalid string";
    }
    if (domain.isEmpty()) {
      return "mail: no domain in addr-spec";
    }
    if (domain.startsWith("[") && domain.endsWith("]")) {
      return null;
    }
    if (!isDotAtom(domain)) {
      return "mail: invalid domain";
    }
    return null;
  }

  private static boolean isDotAtom(String s) {
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '.' && !isAtext(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPhrase(String s) {
    if (s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '.' && !isAtext(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAtext(char c) {
    if (c >= 0x80) {
      return true; // RFC 6532 allows UTF-8 in atoms
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
  }
}
