package io.jtau.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtau.runtime.dns.Authority;
import io.jtau.runtime.dns.CloudZones;
import io.jtau.runtime.dns.DnsServer;
import io.jtau.runtime.dns.Zone;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DNS queries/s of our authoritative server vs NSD serving the same 1,000 names, both on loopback,
 * with dnsperf in the same run (bench/dns-vs-nsd.sh runs it; not part of the test gate). p99 comes
 * from a sequential probe of 2,000 queries per server (dnsperf 2.10 prints no percentiles). Our
 * per-source rate limit is off here, as NSD has none by default.
 */
class DnsBenchmark {

  static final String FQDN = "cloud.example";

  @Test
  void oursVersusNsd() throws Exception {
    Assumptions.assumeTrue(Wrk.has("dnsperf") && Wrk.has("nsd"), "dnsperf or nsd is not installed");
    int seconds = Integer.getInteger("bench.seconds", 10);
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      hosts.add("site" + i + "-abcdefgh.g." + FQDN);
    }
    List<Zone> zones =
        CloudZones.build(
            new CloudZones.View(
                FQDN,
                List.of(InetAddress.getByName("127.0.0.1")),
                List.of("gateway", "git", "api"),
                hosts,
                Map.of(),
                "letsencrypt.org",
                60,
                60,
                1,
                60));
    Path dir = Files.createTempDirectory("jtau-dnsbench");
    StringBuilder queries = new StringBuilder();
    for (String h : hosts) {
      queries.append(h).append(" A\n");
    }
    queries.append("missing.g.").append(FQDN).append(" A\n");
    Files.writeString(dir.resolve("queries.txt"), queries);

    Authority authority = new Authority();
    authority.zones(zones);
    ExecutorService pool = Executors.newCachedThreadPool();
    DnsServer ours =
        new DnsServer(
            authority,
            new DnsServer.Settings(
                0,
                64,
                5000,
                Integer.getInteger(
                    "bench.dns-udp-threads",
                    Math.max(1, Runtime.getRuntime().availableProcessors() / 2))),
            pool,
            System::nanoTime);
    int ourPort = ours.start(InetAddress.getLoopbackAddress(), 0);
    double[] oursFig;
    try {
      dnsperf(dir, ourPort, 3);
      oursFig = dnsperf(dir, ourPort, seconds);
      oursFig[2] = probeP99(ourPort, hosts);
    } finally {
      ours.close();
      pool.shutdownNow();
    }

    int nsdPort = Wrk.freePort();
    Zone cloud = zones.get(0);
    StringBuilder zoneFile = new StringBuilder("$ORIGIN " + FQDN + ".\n");
    for (Name n : cloud.names()) {
      for (Record r : cloud.records(n, Type.ANY)) {
        zoneFile.append(r.toString()).append('\n');
      }
    }
    Files.writeString(dir.resolve("cloud.zone"), zoneFile);
    Files.writeString(
        dir.resolve("nsd.conf"),
        String.format(
            Locale.ROOT,
            "server:\n  ip-address: 127.0.0.1@%d\n  port: %d\n  zonesdir: \"%s\"\n"
                + "  pidfile: \"%s/nsd.pid\"\n  database: \"\"\n  username: \"\"\n"
                + "  xfrdfile: \"%s/xfrd.state\"\n  zonelistfile: \"%s/zone.list\"\n"
                + "  logfile: \"%s/nsd.log\"\n  server-count: 2\n  verbosity: 0\n"
                + "remote-control:\n  control-enable: no\nzone:\n  name: %s\n  zonefile: cloud.zone\n",
            nsdPort,
            nsdPort,
            dir,
            dir,
            dir,
            dir,
            dir,
            FQDN));
    Process nsd =
        new ProcessBuilder("nsd", "-d", "-c", dir.resolve("nsd.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nsd.out").toFile())
            .start();
    double[] nsdFig;
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(15))
          .until(() -> answers(nsdPort, hosts.get(0)));
      dnsperf(dir, nsdPort, 3);
      nsdFig = dnsperf(dir, nsdPort, seconds);
      nsdFig[2] = probeP99(nsdPort, hosts);
    } finally {
      nsd.destroy();
      nsd.waitFor();
    }
    String json =
        String.format(
            Locale.ROOT,
            "{\"names\":%d,\"seconds\":%d,\"jtau\":{\"qps\":%.0f,\"avgMs\":%.3f,\"p99ms\":%.3f,\"lostPct\":%.2f},"
                + "\"nsd\":{\"qps\":%.0f,\"avgMs\":%.3f,\"p99ms\":%.3f,\"lostPct\":%.2f},\"ratio\":%.3f}",
            hosts.size(),
            seconds,
            oursFig[0],
            oursFig[1],
            oursFig[2],
            oursFig[3],
            nsdFig[0],
            nsdFig[1],
            nsdFig[2],
            nsdFig[3],
            oursFig[0] / nsdFig[0]);
    System.out.println("DNS-BENCH " + json);
    Path results = Path.of(System.getProperty("bench.results", "bench/results"));
    Files.createDirectories(results);
    Files.writeString(
        results.resolve("dns-vs-nsd-" + System.currentTimeMillis() + ".json"), json + "\n");
    assertTrue(oursFig[0] > 0);
  }

  /** [qps, avg latency ms, (p99 filled later), lost %]. */
  static double[] dnsperf(Path dir, int port, int seconds) throws Exception {
    String out =
        Wrk.run(
            List.of(
                "dnsperf",
                "-s",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-d",
                dir.resolve("queries.txt").toString(),
                "-l",
                Integer.toString(seconds),
                "-c",
                "4",
                "-q",
                "200",
                "-t",
                "2"),
            seconds + 30);
    double qps = Wrk.number(out, "Queries per second:\\s+([0-9.]+)");
    double avg = Wrk.number(out, "Average Latency \\(s\\):\\s+([0-9.]+)") * 1000;
    double lost = Wrk.number(out, "Queries lost:\\s+[0-9]+ \\(([0-9.]+)%\\)");
    return new double[] {qps, avg, 0, lost};
  }

  static boolean answers(int port, String name) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(500);
      byte[] q = query(name);
      s.send(new DatagramPacket(q, q.length, new InetSocketAddress("127.0.0.1", port)));
      s.receive(new DatagramPacket(new byte[512], 512));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  static byte[] query(String name) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN))
        .toWire();
  }

  static double probeP99(int port, List<String> hosts) throws Exception {
    long[] t = new long[2000];
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(2000);
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
      byte[] buf = new byte[512];
      for (int i = 0; i < t.length; i++) {
        byte[] q = query(hosts.get(i % hosts.size()));
        long t0 = System.nanoTime();
        s.send(new DatagramPacket(q, q.length, to));
        s.receive(new DatagramPacket(buf, buf.length));
        t[i] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(t);
    return t[(int) (t.length * 0.99)] / 1e6;
  }
}
