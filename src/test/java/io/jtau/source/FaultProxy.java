package io.jtau.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-JVM TCP proxy on 127.0.0.1 in front of a test server that can pass traffic, refuse
 * connections (nothing listens), stall them (accepted, never answered) or reset them (RST right
 * after the first request bytes). Every thread it starts is a daemon and ends on {@link #close}.
 */
public final class FaultProxy implements AutoCloseable {

  public enum Mode {
    PASS,
    REFUSE,
    STALL,
    RESET
  }

  private final int targetPort;
  private final int port;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  public final AtomicInteger connections = new AtomicInteger();
  private volatile Mode mode = Mode.PASS;
  private volatile ServerSocket listener;
  private volatile boolean closed;

  public FaultProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.port = s.getLocalPort();
    listen(s);
  }

  public int port() {
    return port;
  }

  /**
   * Switches mode and cuts open connections. REFUSE and RESET both end every new connection with a
   * reset at once; STALL accepts and never answers.
   */
  public synchronized void mode(Mode m) throws IOException {
    mode = m;
    // Pooled keep-alive connections would bypass the new mode: cut them.
    for (Socket s : open) {
      s.close();
    }
    open.clear();
    // REFUSE keeps the port bound (a closed port could be handed to another socket of the test
    // run meanwhile) and resets every connection as soon as it is accepted, before any byte.
  }

  private void listen(ServerSocket s) {
    listener = s;
    Thread t =
        new Thread(
            () -> {
              while (!closed && !s.isClosed()) {
                try {
                  Socket c = s.accept();
                  connections.incrementAndGet();
                  open.add(c);
                  handle(c);
                } catch (IOException e) {
                  return;
                }
              }
            },
            "fault-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  private void handle(Socket client) throws IOException {
    switch (mode) {
      case STALL -> {
        // Accepted and never answered: the caller's read timeout must fire.
      }
      case RESET, REFUSE -> {
        client.setSoLinger(true, 0);
        client.close();
      }
      default -> {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
                to.shutdownOutput();
              } catch (IOException e) {
                try {
                  to.close();
                } catch (IOException ignored) {
                  // already closed
                }
              }
            },
            "fault-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
