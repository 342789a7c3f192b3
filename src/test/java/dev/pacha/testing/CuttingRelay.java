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
  private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Set<Socket> poisoned = java.util.concurrent.ConcurrentHashMap.newKeySet();

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

  /**
   * Cuts every connection open now when it next carries a byte: to its ends it still looks up until
   * they use it (a link that died quietly). Later connections pass.
   */
  public void cutOpenOnNextByte() {
    poisoned.addAll(open);
  }

  /** Closes every connection open now, as a network failure would; later ones pass. */
  public void dropAll() {
    for (Socket s : open) {
      close(s);
    }
    open.clear();
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
        open.add(client);
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
          close(client); // the server is down: the client sees its connection closed
          continue;
        }
        open.add(upstream);
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
                  if (poisoned.contains(from) || poisoned.contains(to)) {
                    break;
                  }
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
