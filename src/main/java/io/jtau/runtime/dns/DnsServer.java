package io.jtau.runtime.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;

/**
 * The authoritative DNS server: UDP and TCP on one port, answers from an {@link Authority}.
 *
 * <p>Bad input never stops it: a packet too short to carry a header is dropped; one whose header
 * reads but whose body does not parse is answered FORMERR; a packet that is itself a response is
 * dropped. Each source address has a token bucket ({@code ratePerSource} queries per second, burst
 * twice that); queries over it are dropped and counted, so a flood from one source costs little and
 * does not starve others. TCP connections are bounded in number, idle time and message size. UDP
 * answers larger than the client's limit (512 bytes, or its EDNS size up to 1232) are truncated
 * with TC set so the client retries over TCP.
 *
 * <p>Answers are kept in wire form per query (every byte but the ID, and the transport) for as long
 * as the authority's {@link Authority#version() version} holds: a repeated query costs one map
 * lookup and a copy with the ID patched, no parsing. Any zone change starts a fresh set, so an
 * answer is never older than the zones.
 *
 * <p>Thread-safe. {@link #start} binds and returns at once; {@link #close} stops both listeners.
 */
public final class DnsServer implements AutoCloseable {

  /**
   * Limits of the server; {@code udpThreads} threads receive and answer UDP queries (each answer is
   * computed on the thread that received the query).
   */
  public record Settings(
      int ratePerSource, int maxTcpConnections, int tcpIdleMillis, int udpThreads) {

    /**
     * Settings with one UDP thread per two processors (the rest is left to the gateway; on two
     * cores a second UDP thread measured 18% fewer queries per second than one).
     */
    public Settings(int ratePerSource, int maxTcpConnections, int tcpIdleMillis) {
      this(
          ratePerSource,
          maxTcpConnections,
          tcpIdleMillis,
          Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    public static Settings defaults() {
      return new Settings(2000, 64, 5000);
    }
  }

  /** Answers kept per zone version, at most; when full the set starts afresh. */
  static final int ANSWERS_MAX = 10_000;

  private final Authority authority;
  private final Settings settings;
  private final ExecutorService workers;
  private final LongSupplier nanos;
  private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong formErrors = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final java.util.concurrent.Semaphore tcpSlots;
  private DatagramSocket udp;
  private ServerSocket tcp;
  private volatile boolean running;
  private volatile Answers answers = new Answers(-1, new ConcurrentHashMap<>());

  /** The kept answers of one authority version. */
  private record Answers(long version, ConcurrentHashMap<QueryKey, byte[]> byQuery) {}

  /** A query without its ID, and the transport it came over. */
  private static final class QueryKey {
    private final byte[] bytes;
    private final boolean udp;
    private final int hash;

    QueryKey(byte[] packet, int len, boolean udp) {
      this.bytes = java.util.Arrays.copyOfRange(packet, 2, len);
      this.udp = udp;
      this.hash = java.util.Arrays.hashCode(bytes) * 31 + (udp ? 1 : 0);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof QueryKey k
          && k.hash == hash
          && k.udp == udp
          && java.util.Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * @param workers runs the UDP and TCP listeners and TCP connections (needs {@code udpThreads} + 1
   *     threads plus one per concurrent TCP connection)
   */
  public DnsServer(
      Authority authority, Settings settings, ExecutorService workers, LongSupplier nanos) {
    this.authority = authority;
    this.settings = settings;
    this.workers = workers;
    this.nanos = nanos;
    this.tcpSlots = new java.util.concurrent.Semaphore(settings.maxTcpConnections());
  }

  /** Binds UDP and TCP on the same port (0 = a free port for both) and starts serving. */
  public synchronized int start(InetAddress bind, int port) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      ServerSocket t = new ServerSocket();
      try {
        t.setReuseAddress(true);
        t.bind(new InetSocketAddress(bind, port), 128);
        DatagramSocket u = new DatagramSocket(new InetSocketAddress(bind, t.getLocalPort()));
        u.setReceiveBufferSize(1 << 20);
        tcp = t;
        udp = u;
        running = true;
        for (int i = 0; i < Math.max(1, settings.udpThreads()); i++) {
          workers.execute(this::udpLoop);
        }
        workers.execute(this::tcpLoop);
        return t.getLocalPort();
      } catch (IOException e) {
        // With port 0 the UDP port may be taken though the TCP one was free: try another.
        t.close();
        last = e;
        if (port != 0) {
          break;
        }
      }
    }
    throw last;
  }

  /** The bound port, or -1 when not started. */
  public int port() {
    return tcp == null ? -1 : tcp.getLocalPort();
  }

  /** Queries dropped by the per-source rate limit or because they could not be read. */
  public long dropped() {
    return dropped.get();
  }

  /** Packets answered FORMERR. */
  public long formErrors() {
    return formErrors.get();
  }

  /** Queries answered. */
  public long answered() {
    return answered.get();
  }

  private void udpLoop() {
    byte[] buf = new byte[4096];
    while (running) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
      } catch (IOException e) {
        if (!running) {
          return;
        }
        continue;
      }
      if (!admit(p.getAddress())) {
        dropped.incrementAndGet();
        continue;
      }
      byte[] out = handle(buf, p.getLength(), true);
      if (out != null) {
        try {
          udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
        } catch (IOException e) {
          // The client went away; nothing to do.
        }
      }
    }
  }

  private void tcpLoop() {
    while (running) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (IOException e) {
        if (!running) {
          return;
        }
        continue;
      }
      if (!tcpSlots.tryAcquire()) {
        closeQuietly(s);
        dropped.incrementAndGet();
        continue;
      }
      try {
        workers.execute(() -> serveTcp(s));
      } catch (RejectedExecutionException e) {
        tcpSlots.release();
        closeQuietly(s);
      }
    }
  }

  private void serveTcp(Socket s) {
    try (s) {
      s.setSoTimeout(settings.tcpIdleMillis());
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      while (running) {
        int len;
        try {
          len = in.readUnsignedShort();
        } catch (EOFException | SocketTimeoutException e) {
          return;
        }
        byte[] msg = new byte[len];
        in.readFully(msg);
        if (!admit(s.getInetAddress())) {
          dropped.incrementAndGet();
          return;
        }
        byte[] answer = handle(msg, len, false);
        if (answer == null) {
          return;
        }
        out.writeShort(answer.length);
        out.write(answer);
        out.flush();
      }
    } catch (IOException e) {
      // A broken or slow connection only ends itself.
    } finally {
      tcpSlots.release();
    }
  }

  /** Parses and answers one message; null = drop. */
  byte[] handle(byte[] buf, int len, boolean udpTransport) {
    if (len < Header.LENGTH) {
      dropped.incrementAndGet();
      return null;
    }
    long version = authority.version();
    Answers kept = answers;
    if (kept.version() != version) {
      kept = new Answers(version, new ConcurrentHashMap<>());
      answers = kept;
    }
    QueryKey key = new QueryKey(buf, len, udpTransport);
    byte[] hit = kept.byQuery().get(key);
    if (hit != null) {
      answered.incrementAndGet();
      byte[] out = hit.clone();
      out[0] = buf[0];
      out[1] = buf[1];
      return out;
    }
    byte[] wire = compute(buf, len, udpTransport);
    int rcode = wire == null || wire.length < Header.LENGTH ? -1 : wire[3] & 0x0F;
    if (rcode >= 0 && rcode != Rcode.SERVFAIL && rcode != Rcode.FORMERR) {
      if (kept.byQuery().size() >= ANSWERS_MAX) {
        kept = new Answers(version, new ConcurrentHashMap<>());
        answers = kept;
      }
      kept.byQuery().put(key, wire.clone());
    }
    return wire;
  }

  /** Parses and answers one message without the kept answers; null = drop. */
  private byte[] compute(byte[] buf, int len, boolean udpTransport) {
    byte[] packet = java.util.Arrays.copyOf(buf, len);
    Message query;
    try {
      query = new Message(packet);
    } catch (IOException | RuntimeException e) {
      formErrors.incrementAndGet();
      return formErr(packet);
    }
    if (query.getHeader().getFlag(Flags.QR)) {
      dropped.incrementAndGet();
      return null;
    }
    Message resp;
    try {
      resp = authority.answer(query);
    } catch (RuntimeException e) {
      resp = new Message(query.getHeader().getID());
      resp.getHeader().setFlag(Flags.QR);
      resp.getHeader().setRcode(Rcode.SERVFAIL);
    }
    answered.incrementAndGet();
    if (!udpTransport) {
      return resp.toWire();
    }
    int max = 512;
    OPTRecord opt = query.getOPT();
    if (opt != null) {
      max = Math.max(512, Math.min(1232, opt.getPayloadSize()));
      resp.addRecord(new OPTRecord(1232, 0, 0), org.xbill.DNS.Section.ADDITIONAL);
    }
    return resp.toWire(max);
  }

  private static byte[] formErr(byte[] packet) {
    byte[] out = new byte[Header.LENGTH];
    out[0] = packet[0];
    out[1] = packet[1];
    // QR set, opcode copied, RD copied; RCODE = FORMERR; no sections.
    out[2] = (byte) (0x80 | (packet[2] & 0x79));
    out[3] = (byte) Rcode.FORMERR;
    return out;
  }

  private boolean admit(InetAddress source) {
    int rate = settings.ratePerSource();
    if (rate <= 0) {
      return true;
    }
    if (buckets.size() > 100_000) {
      // Bounded memory under a spoofed-source flood: forget every bucket.
      buckets.clear();
    }
    Bucket b = buckets.computeIfAbsent(source, k -> new Bucket(2.0 * rate, nanos.getAsLong()));
    synchronized (b) {
      long now = nanos.getAsLong();
      b.tokens = Math.min(2.0 * rate, b.tokens + (now - b.last) / 1e9 * rate);
      b.last = now;
      if (b.tokens < 1) {
        return false;
      }
      b.tokens -= 1;
      return true;
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    if (udp != null) {
      udp.close();
    }
    closeQuietly(tcp);
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (IOException e) {
      // Closing: nothing to report.
    }
  }

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }
}
