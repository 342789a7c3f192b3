package dev.pacha.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay between pacha and a real server on loopback that cuts the connection once a given
 * number of bytes (both directions together) has passed: a network failure at a chosen point.
 */
public final class CuttingRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private volatile long cutAfter = Long.MAX_VALUE;
  private final AtomicLong passed = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger connections =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Thread acceptor;

  public CuttingRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Cuts every later connection after {@code bytes}; Long.MAX_VALUE never cuts. */
  public void cutAfter(long bytes) {
    passed.set(0);
    connections.set(0);
    cutAfter = bytes;
  }

  /** Connections accepted since the last {@link #cutAfter}. */
  public int connections() {
    return connections.get();
  }

  /** Bytes relayed since the last {@link #cutAfter}. */
  public long passed() {
    return passed.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  long before = passed.getAndAdd(n);
                  long allowed = cutAfter - before;
                  if (allowed <= 0) {
                    break;
                  }
                  out.write(buf, 0, (int) Math.min(n, allowed));
                  out.flush();
                  if (allowed <= n) {
                    break;
                  }
                }
              } catch (IOException e) {
                // One side went away; close both below.
              } finally {
                close(from);
                close(to);
              }
            },
            "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
