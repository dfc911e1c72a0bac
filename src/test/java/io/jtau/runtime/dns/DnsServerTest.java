package io.jtau.runtime.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class DnsServerTest {

  static final String FQDN = "cloud.example";
  ExecutorService pool;
  DnsServer server;
  Authority authority;
  SimpleResolver udp;
  SimpleResolver tcp;

  @BeforeEach
  void setUp() throws Exception {
    authority = new Authority();
    authority.zones(
        CloudZones.build(
            new CloudZones.View(
                FQDN,
                List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")),
                List.of("gateway", "git"),
                List.of("hello-r4zkwruy.g." + FQDN, "www.customer.test"),
                Map.of("_jtau.x." + FQDN, List.of("jtau-verify=abc")),
                "letsencrypt.org",
                60,
                30,
                7,
                60)));
    pool = Executors.newCachedThreadPool();
    server = new DnsServer(authority, new DnsServer.Settings(500, 8, 1000), pool, System::nanoTime);
    int port = server.start(InetAddress.getLoopbackAddress(), 0);
    udp = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    udp.setTimeout(Duration.ofSeconds(2));
    tcp = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    tcp.setTCP(true);
    tcp.setTimeout(Duration.ofSeconds(2));
  }

  @AfterEach
  void tearDown() {
    server.close();
    pool.shutdownNow();
  }

  Message ask(SimpleResolver r, String name, int type) throws Exception {
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
  }

  @Test
  void servicesGeneratedAndProjectDomainsResolveOverUdpAndTcp() throws Exception {
    for (SimpleResolver r : List.of(udp, tcp)) {
      Message m = ask(r, "gateway.tau." + FQDN, Type.A);
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(m.getSection(Section.ANSWER))
          .extracting(Record::rdataToString)
          .containsExactly("127.0.0.1");
      assertThat(ask(r, "gateway.tau." + FQDN, Type.AAAA).getSection(Section.ANSWER))
          .extracting(Record::rdataToString)
          .containsExactly("0:0:0:0:0:0:0:1");
      assertThat(ask(r, "hello-r4zkwruy.g." + FQDN, Type.A).getSection(Section.ANSWER)).hasSize(1);
      Message custom = ask(r, "www.customer.test", Type.A);
      assertThat(custom.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(custom.getSection(Section.ANSWER)).hasSize(1);
    }
  }

  @Test
  void soaNsCaaAndTxt() throws Exception {
    Message soa = ask(udp, FQDN, Type.SOA);
    assertThat(((SOARecord) soa.getSection(Section.ANSWER).get(0)).getMinimum()).isEqualTo(30);
    assertThat(ask(udp, FQDN, Type.NS).getSection(Section.ANSWER))
        .extracting(Record::rdataToString)
        .containsExactly("ns.tau." + FQDN + ".");
    CAARecord caa = (CAARecord) ask(udp, FQDN, Type.CAA).getSection(Section.ANSWER).get(0);
    assertThat(caa.getValue()).isEqualTo("letsencrypt.org");
    TXTRecord txt =
        (TXTRecord) ask(udp, "_jtau.x." + FQDN, Type.TXT).getSection(Section.ANSWER).get(0);
    assertThat(txt.getStrings()).containsExactly("jtau-verify=abc");
  }

  @Test
  void missingNamesAreNxdomainWithTheSoaForNegativeCaching() throws Exception {
    Message m = ask(udp, "nope.g." + FQDN, Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    SOARecord soa = (SOARecord) m.getSection(Section.AUTHORITY).get(0);
    assertThat(soa.getMinimum()).isEqualTo(30);
    Message nodata = ask(udp, "gateway.tau." + FQDN, Type.MX);
    assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
    assertThat(nodata.getSection(Section.AUTHORITY)).hasSize(1);
  }

  @Test
  void onlyExactNamesHaveAddressesNeverTheirParents() throws Exception {
    // g.<fqdn> is only an empty non-terminal above registered names: NODATA, no address (D19).
    Message parent = ask(udp, "g." + FQDN, Type.A);
    assertThat(parent.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(parent.getSection(Section.ANSWER)).isEmpty();
    Message customParent = ask(udp, "customer.test", Type.A);
    assertThat(customParent.getRcode()).isEqualTo(Rcode.REFUSED);
    Message child = ask(udp, "a.www.customer.test", Type.A);
    assertThat(child.getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void outOfZoneIsRefused() throws Exception {
    assertThat(ask(udp, "example.org", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void zoneTransfersAreRefused() throws Exception {
    byte[] axfr =
        Message.newQuery(Record.newRecord(Name.fromString(FQDN + "."), Type.AXFR, DClass.IN))
            .toWire();
    try (Socket sock = new Socket("127.0.0.1", server.port())) {
      sock.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(sock.getOutputStream());
      out.writeShort(axfr.length);
      out.write(axfr);
      out.flush();
      DataInputStream in = new DataInputStream(sock.getInputStream());
      byte[] resp = new byte[in.readUnsignedShort()];
      in.readFully(resp);
      Message m = new Message(resp);
      assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
      assertThat(m.getSection(Section.ANSWER)).isEmpty();
    }
    assertThat(ask(udp, FQDN, Type.IXFR).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void malformedPacketsGetFormerrOrAreDroppedAndTheServerKeepsAnswering() throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(2000);
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
      // A header claiming one question, followed by a truncated name.
      byte[] bad = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x05, 'a', 'b'};
      s.send(new DatagramPacket(bad, bad.length, to));
      DatagramPacket p = new DatagramPacket(new byte[512], 512);
      s.receive(p);
      Message resp = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
      assertThat(resp.getHeader().getID()).isEqualTo(0x1234);
      assertThat(resp.getRcode()).isEqualTo(Rcode.FORMERR);
      // Too short for a header: dropped.
      s.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, to));
      // Random bytes.
      byte[] noise = new byte[300];
      new java.util.Random(7).nextBytes(noise);
      s.send(new DatagramPacket(noise, noise.length, to));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.dropped() >= 1);
    assertThat(server.formErrors()).isGreaterThanOrEqualTo(1);
    assertThat(ask(udp, "gateway.tau." + FQDN, Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    // A TCP message announcing more bytes than it sends is closed at the idle timeout.
    try (Socket sock = new Socket("127.0.0.1", server.port())) {
      sock.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(sock.getOutputStream());
      out.writeShort(100);
      out.write(new byte[10]);
      out.flush();
      assertThat(new DataInputStream(sock.getInputStream()).read()).isEqualTo(-1);
    }
  }

  @Test
  void aQueryFloodFromOneSourceIsBounded() throws Exception {
    // 500 queries/s per source, burst 1000: 3000 queries sent at once mostly get dropped.
    byte[] q =
        Message.newQuery(
                Record.newRecord(Name.fromString("gateway.tau." + FQDN + "."), Type.A, DClass.IN))
            .toWire();
    try (DatagramSocket s = new DatagramSocket()) {
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
      for (int i = 0; i < 3000; i++) {
        s.send(new DatagramPacket(q, q.length, to));
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.dropped() + server.answered() >= 2500);
    assertThat(server.dropped()).isGreaterThan(500);
    assertThat(server.answered()).isLessThan(2500);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ask(udp, "gateway.tau." + FQDN, Type.A).getRcode())
                    .isEqualTo(Rcode.NOERROR));
  }

  @Test
  void keptAnswersCarryTheQueryIdAndNeverOutliveAZoneChange() throws Exception {
    Message q1 =
        Message.newQuery(
            Record.newRecord(Name.fromString("gateway.tau." + FQDN + "."), Type.A, DClass.IN));
    byte[] wire = q1.toWire();
    wire[0] = 0x12;
    wire[1] = 0x34;
    byte[] first = server.handle(wire, wire.length, true);
    wire[0] = 0x56;
    wire[1] = 0x78;
    byte[] second = server.handle(wire, wire.length, true);
    Message a = new Message(first);
    Message b = new Message(second);
    assertThat(a.getHeader().getID()).isEqualTo(0x1234);
    assertThat(b.getHeader().getID()).isEqualTo(0x5678);
    assertThat(java.util.Arrays.copyOfRange(second, 2, second.length))
        .isEqualTo(java.util.Arrays.copyOfRange(first, 2, first.length));
    // TCP keeps its own answers (no truncation), the same content.
    assertThat(new Message(server.handle(wire, wire.length, false)).getSection(Section.ANSWER))
        .extracting(Record::rdataToString)
        .containsExactly("127.0.0.1");

    // The zones change: the very next query sees the new address, over both transports.
    authority.zones(
        CloudZones.build(
            new CloudZones.View(
                FQDN,
                List.of(InetAddress.getByName("127.0.0.9")),
                List.of("gateway", "git"),
                List.of(),
                Map.of("_acme-challenge.x." + FQDN, List.of("digest")),
                "letsencrypt.org",
                60,
                30,
                7,
                60)));
    for (SimpleResolver r : List.of(udp, tcp)) {
      assertThat(ask(r, "gateway.tau." + FQDN, Type.A).getSection(Section.ANSWER))
          .extracting(Record::rdataToString)
          .containsExactly("127.0.0.9");
      // A name that was NXDOMAIN before now answers (no stale negative answer).
      assertThat(ask(r, "_acme-challenge.x." + FQDN, Type.TXT).getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(ask(r, "hello-r4zkwruy.g." + FQDN, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
  }

  @Test
  void keptAnswersAreBoundedAndMalformedPacketsAreNeverKept() throws Exception {
    long formErrors = server.formErrors();
    byte[] bad = {1, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'x'};
    for (int i = 0; i < 3; i++) {
      assertThat(server.handle(bad, bad.length, true)).isNotNull();
    }
    assertThat(server.formErrors()).isEqualTo(formErrors + 3);
    // More distinct names than the bound: every answer stays right.
    for (int i = 0; i < DnsServer.ANSWERS_MAX + 50; i++) {
      byte[] q =
          Message.newQuery(
                  Record.newRecord(
                      Name.fromString("n" + i + ".g." + FQDN + "."), Type.A, DClass.IN))
              .toWire();
      assertThat(new Message(server.handle(q, q.length, true)).getRcode())
          .isEqualTo(Rcode.NXDOMAIN);
    }
    assertThat(ask(udp, "gateway.tau." + FQDN, Type.A).getSection(Section.ANSWER)).hasSize(1);
  }
}
