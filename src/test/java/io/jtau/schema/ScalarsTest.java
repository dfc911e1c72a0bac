package io.jtau.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Grammars of config-format.md 2.3-2.7. */
class ScalarsTest {

  @ParameterizedTest(name = "{0} = {1} ns")
  @CsvSource({
    "0, 0",
    "1s, 1000000000",
    "1.5s, 1500000000",
    ".5s, 500000000",
    "5.s, 5000000000",
    "1h15m30s, 4530000000000",
    "1h15m, 4500000000000",
    "6m40s, 400000000000",
    "90m, 5400000000000",
    "10ms, 10000000",
    "7us, 7000",
    "7µs, 7000",
    "7μs, 7000",
    "3ns, 3",
    "+2s, 2000000000",
    "-0, 0",
    "2562047h47m16.854775807s, 9223372036854775807"
  })
  void validDurations(String in, long nanos) {
    assertThat(Scalars.duration(in)).isEqualTo(nanos);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "20x|unknown unit \"x\" in duration \"20x\"",
        "10S|unknown unit \"S\" in duration \"10S\"",
        "5|missing unit in duration \"5\"",
        "1d|unknown unit \"d\"",
        "1 s|unknown unit \" s\"",
        "''|invalid duration",
        ".s|invalid duration \".s\"",
        "99999999999h|invalid duration \"99999999999h\"",
        "2562047h47m16.854775808s|invalid duration",
        "1e400|unknown unit \"e\"",
        "-1s|negative durations are not allowed",
        "s|invalid duration"
      })
  void invalidDurations(String in, String words) {
    assertThatThrownBy(() -> Scalars.duration(in))
        .isInstanceOf(Scalars.Invalid.class)
        .hasMessageStartingWith("invalid duration \"" + in + "\": ")
        .hasMessageContaining(words);
  }

  @ParameterizedTest(name = "{0} = {1} B")
  @CsvSource({
    "0, 0",
    "1B, 1",
    "64GB, 64000000000",
    "64MiB, 67108864",
    "0.5KiB, 512",
    "1.5GB, 1500000000",
    "1kB, 1000",
    "1KB, 1000",
    "1GB500MB, 1500000000",
    "1EiB, 1152921504606846976",
    "7EiB, 8070450532247928832",
    "9EB, 9000000000000000000"
  })
  void validSizes(String in, long bytes) {
    assertThat(Scalars.size(in)).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "5gb|units: unknown unit gb in 5gb",
        "5Gb|unknown unit",
        "5kib|unknown unit",
        "5KIB|unknown unit",
        "5M|unknown unit M in 5M",
        "5G|unknown unit",
        "5 GB|unknown unit",
        "1024|units: unknown unit  in 1024",
        "1GiB500MB|unknown unit GiB in 1GiB500MB",
        "8EiB|overflow",
        "10EB|overflow",
        "99999999999999999999EB|units: invalid",
        "-1GB|negative sizes are not allowed",
        "1e400|unknown unit e",
        "''|units: invalid"
      })
  void invalidSizes(String in, String words) {
    assertThatThrownBy(() -> Scalars.size(in))
        .isInstanceOf(Scalars.Invalid.class)
        .hasMessageStartingWith("invalid size \"" + in + "\": ")
        .hasMessageContaining(words);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        "dotends.com.",
        "just_a_string",
        ".",
        "a-b.c",
        "x1.2.3.4",
        "VT292GFU.g.tau.example.com"
      })
  void validFqdns(String s) {
    assertThat(Scalars.isFqdn(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not-a-valid-fqdn!!!",
        "1.2.3.4",
        "a..b",
        ".a",
        "-a.com",
        "a-.com",
        "",
        "a b.com",
        "ex\u00e4mple.com"
      })
  void invalidFqdns(String s) {
    assertThat(Scalars.isFqdn(s)).isFalse();
  }

  @org.junit.jupiter.api.Test
  void fqdnLengthLimits() {
    String label = "a".repeat(63);
    assertThat(Scalars.isFqdn(label)).isTrue();
    assertThat(Scalars.isFqdn(label + "a")).isFalse();
    String name253 = (label + ".").repeat(3) + "a".repeat(61);
    assertThat(name253).hasSize(253);
    assertThat(Scalars.isFqdn(name253)).isTrue();
    assertThat(Scalars.isFqdn(name253 + ".")).isTrue();
    assertThat(Scalars.isFqdn(name253 + "a")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ops@example.com", "Ops <ops@example.com>", "a.b+c@x.io", "\"Ops\" <o@x>"})
  void validEmails(String s) {
    assertThat(Scalars.email(s)).isNull();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "invalid-email|mail: missing '@' or angle-addr",
        "Full Name|mail: no angle-addr",
        "a@|mail: no domain in addr-spec",
        "Ops <ops@example.com|mail: unclosed angle-addr",
        "''|mail: no address"
      })
  void invalidEmails(String s, String message) {
    assertThat(Scalars.email(s)).isEqualTo(message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"get", "GET", "post", "Patch", "OPTIONS", "trace", "connect", "head", "delete"})
  void httpMethodsAnyCase(String s) {
    assertThat(Scalars.isHttpMethod(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        Trees.PID,
        "/ipfs/" + Trees.PID,
        "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
        "zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7",
        "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a"
      })
  void validCids(String s) {
    assertThat(Cids.check(s)).isNull();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not-a-valid-cid|failed parsing `not-a-valid-cid` with invalid cid: selected encoding not supported",
        "Qm000000000000000000000000000000000000000000000|failed parsing",
        "QmPfpGdzWyp1oDQoN7uPdis2jJGkR56xKWsatAvT292gf|failed parsing",
        "485476045|failed parsing",
        "x|failed parsing"
      })
  void invalidCids(String s, String words) {
    assertThat(Cids.check(s)).contains(words);
  }

  @org.junit.jupiter.api.Test
  void hashIsABase58Sha256Multihash() {
    String h = Cids.hash("abc");
    assertThat(h).startsWith("Qm").hasSize(46);
    assertThat(Cids.check(h)).isNull();
    assertThat(Cids.base58Decode(h)).startsWith((byte) 0x12, (byte) 0x20);
  }
}
