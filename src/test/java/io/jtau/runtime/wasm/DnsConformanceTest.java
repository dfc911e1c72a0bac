package io.jtau.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * §6.1 {@code dns} conformance against two tiny DNS servers on 127.0.0.1 (never the Internet): the
 * node's resolver answers the "system" records, the guest reroutes to the second, then resets.
 */
class DnsConformanceTest {

  /** A UDP DNS server for one zone, answering from fixed records; stops when closed. */
  static final class TinyDns implements AutoCloseable {
    final DatagramSocket socket;
    final String txt;
    final Thread thread;

    TinyDns(String txt) throws IOException {
      this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      this.txt = txt;
      this.thread = new Thread(this::serve, "tiny-dns");
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
      byte[] buf = new byte[1500];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          byte[] answer = answer(new Message(java.util.Arrays.copyOf(p.getData(), p.getLength())));
          socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
        } catch (IOException closed) {
          return;
        }
      }
    }

    private byte[] answer(Message q) throws IOException {
      Message r = new Message(q.getHeader().getID());
      r.getHeader().setFlag(Flags.QR);
      r.getHeader().setFlag(Flags.AA);
      Record question = q.getQuestion();
      r.addRecord(question, Section.QUESTION);
      Name name = question.getName();
      int type = question.getType();
      Name zone = Name.fromString("example.test.");
      Name www = Name.fromString("www.example.test.");
      List<Record> records = new java.util.ArrayList<>();
      if (name.equals(zone) && type == Type.TXT) {
        records.add(new TXTRecord(zone, DClass.IN, 60, txt));
      } else if (name.equals(zone) && type == Type.MX) {
        records.add(new MXRecord(zone, DClass.IN, 60, 10, Name.fromString("mail.example.test.")));
        records.add(new MXRecord(zone, DClass.IN, 60, 20, Name.fromString("backup.example.test.")));
      } else if (name.equals(www) && type == Type.CNAME) {
        records.add(new CNAMERecord(www, DClass.IN, 60, zone));
      } else if (name.equals(zone) && type == Type.A) {
        records.add(new ARecord(zone, DClass.IN, 60, InetAddress.getByName("192.0.2.7")));
      } else if (name.toString().equals("7.2.0.192.in-addr.arpa.") && type == Type.PTR) {
        records.add(new PTRRecord(name, DClass.IN, 60, zone));
      }
      if (records.isEmpty()) {
        r.getHeader().setRcode(Rcode.NXDOMAIN);
      }
      records.forEach(rec -> r.addRecord(rec, Section.ANSWER));
      return r.toWire();
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  static TinyDns system;
  static TinyDns other;

  @BeforeAll
  static void start() throws IOException {
    system = new TinyDns("from-system");
    other = new TinyDns("from-reroute");
  }

  @AfterAll
  static void stop() {
    system.close();
    other.close();
  }

  static WasmRuntime runtime(ExecutionMode mode, EgressPolicy egress) {
    return new WasmRuntime(
        WasmRuntimeConfig.defaults().withWorkers(1).withMode(mode).withEgress(egress),
        new DnsJavaResolvers(system.address(), Duration.ofSeconds(2)));
  }

  static final String DNS =
      """
      (module
        (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "readHttpEventBody" (func $body (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsNewResolver" (func $new (param i32) (result i32)))
        (import "taubyte/sdk" "dnsRerouteResolver" (func $reroute (param i32 i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsResetResolver" (func $reset (param i32) (result i32)))
        (import "taubyte/sdk" "dnsLookupTxTSize" (func $txtSize (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsLookupTxT" (func $txt (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsLookupAddressSize" (func $ptrSize (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsLookupAddress" (func $ptr (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsLookupCNAMESize" (func $cnameSize (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsLookupCNAME" (func $cname (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsLookupMXSize" (func $mxSize (param i32 i32 i32 i32) (result i32)))
        (import "taubyte/sdk" "dnsLookupMX" (func $mx (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "example.test")
        (data (i32.const 120) "www.example.test")
        (data (i32.const 140) "192.0.2.7")
        (data (i32.const 160) "udp")
        (data (i32.const 170) "|")
        (data (i32.const 180) "nothing.test")
        (func $check (param $c i32) (if (i32.eqz (local.get $c)) (then unreachable)))
        (func $w (param $ev i32) (param $p i32) (param $n i32)
          (drop (call $write (local.get $ev) (local.get $p) (local.get $n) (i32.const 8)))
          (drop (call $write (local.get $ev) (i32.const 170) (i32.const 1) (i32.const 8))))
        (func $lookupTxt (param $ev i32) (param $r i32)
          (call $check (i32.eqz (call $txtSize (local.get $r) (i32.const 100) (i32.const 12) (i32.const 16))))
          (call $check (i32.eqz (call $txt (local.get $r) (i32.const 100) (i32.const 12) (i32.const 1000))))
          (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 16))))
        (func (export "call") (param $ev i32) (result i32) (local $r i32) (local $addrLen i32)
          ;; the reroute target arrives as the request body
          (drop (call $body (local.get $ev) (i32.const 3000) (i32.const 64) (i32.const 20)))
          (local.set $addrLen (i32.load (i32.const 20)))
          (call $check (i32.eqz (call $new (i32.const 24))))
          (local.set $r (i32.load (i32.const 24)))
          (call $lookupTxt (local.get $ev) (local.get $r))
          ;; a second fill without a Size call answers 102, as does any kind
          (call $check (i32.eq (call $txt (local.get $r) (i32.const 100) (i32.const 12) (i32.const 1000)) (i32.const 102)))
          (call $check (i32.eq (call $mx (local.get $r) (i32.const 100) (i32.const 12) (i32.const 1000)) (i32.const 102)))
          (call $check (i32.eqz (call $ptrSize (local.get $r) (i32.const 140) (i32.const 9) (i32.const 16))))
          (call $check (i32.eqz (call $ptr (local.get $r) (i32.const 140) (i32.const 9) (i32.const 1000))))
          (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 16)))
          (call $check (i32.eqz (call $cnameSize (local.get $r) (i32.const 120) (i32.const 16) (i32.const 16))))
          (call $check (i32.eqz (call $cname (local.get $r) (i32.const 120) (i32.const 16) (i32.const 1000))))
          (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 16)))
          (call $check (i32.eqz (call $mxSize (local.get $r) (i32.const 100) (i32.const 12) (i32.const 16))))
          (call $check (i32.eqz (call $mx (local.get $r) (i32.const 100) (i32.const 12) (i32.const 1000))))
          (call $w (local.get $ev) (i32.const 1000) (i32.load (i32.const 16)))
          (call $check (i32.eq (call $txtSize (local.get $r) (i32.const 180) (i32.const 12) (i32.const 16)) (i32.const 102)))
          (call $check (i32.eq (call $mxSize (local.get $r) (i32.const 180) (i32.const 12) (i32.const 16)) (i32.const 105)))
          (call $check (i32.eq (call $txtSize (i32.const 9) (i32.const 100) (i32.const 12) (i32.const 16)) (i32.const 101)))
          ;; reroute (refused under the default egress policy: loopback), then reset
          (if (i32.eqz (call $reroute (local.get $r) (i32.const 3000) (local.get $addrLen) (i32.const 160) (i32.const 3)))
            (then (call $lookupTxt (local.get $ev) (local.get $r)))
            (else (call $w (local.get $ev) (i32.const 0) (i32.const 0))))
          (call $check (i32.eqz (call $reset (local.get $r))))
          (call $lookupTxt (local.get $ev) (local.get $r))
          (i32.const 0)))
      """;

  @ParameterizedTest
  @EnumSource(ExecutionMode.class)
  void lookupsRerouteAndReset(ExecutionMode mode) {
    String target = "127.0.0.1:" + other.address().getPort();
    HttpRequest req = HttpRequest.of("POST", "/", target.getBytes(StandardCharsets.UTF_8));
    try (WasmRuntime open = runtime(mode, EgressPolicy.allowAll());
        WasmRuntime guarded = runtime(mode, EgressPolicy.publicOnly())) {
      HttpResponse r = open.invokeHttp(Guests.compile(open, DNS), Guests.invocation("call"), req);
      HttpResponse denied =
          guarded.invokeHttp(Guests.compile(guarded, DNS), Guests.invocation("call"), req);

      String common =
          "from-system\0|example.test.\0|example.test.|mail.example.test./10/\0backup.example.test./20/\0|";
      assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo(common + "from-reroute\0|from-system\0|");
      assertThat(denied.bodyText()).isEqualTo(common + "|from-system\0|");
    }
  }
}
