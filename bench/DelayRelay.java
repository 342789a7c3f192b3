import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP relay on loopback that delays every byte by DELAY_MS in each direction, as a long link
 * would (this kernel has no netem, and the bench needs no root): what arrives is held until its
 * time has come, then passed on at once, so the delay adds latency without capping bandwidth.
 * Prints the port it listens on, then serves until killed.
 * Usage: java bench/DelayRelay.java TARGET_PORT DELAY_MS
 */
public class DelayRelay {
  /** A piece of the stream and when it may go on; an empty piece ends the direction. */
  record Piece(long due, byte[] data) {}

  public static void main(String[] args) throws IOException {
    int target = Integer.parseInt(args[0]);
    long delayNanos = Long.parseLong(args[1]) * 1_000_000L;
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    System.out.println(server.getLocalPort());
    System.out.flush();
    while (true) {
      Socket client = server.accept();
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
      direction(client, upstream, delayNanos, ended);
      direction(upstream, client, delayNanos, ended);
    }
  }

  private static void direction(
      Socket from, Socket to, long delayNanos, java.util.concurrent.atomic.AtomicInteger ended)
      throws IOException {
    LinkedBlockingQueue<Piece> queue = new LinkedBlockingQueue<>();
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread reader =
        new Thread(
            () -> {
              byte[] buf = new byte[1 << 16];
              try {
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                  queue.add(new Piece(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
                }
              } catch (IOException e) {
                // the connection ended
              }
              queue.add(new Piece(System.nanoTime() + delayNanos, new byte[0]));
            });
    Thread writer =
        new Thread(
            () -> {
              try {
                while (true) {
                  Piece p = queue.take();
                  long wait = p.due() - System.nanoTime();
                  if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                  }
                  if (p.data().length == 0) {
                    to.shutdownOutput(); // pass the end on; the other direction may go on
                    if (ended.incrementAndGet() == 2) {
                      closeBoth(from, to);
                    }
                    return;
                  }
                  out.write(p.data());
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                closeBoth(from, to); // the other side went away
              }
            });
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private static void closeBoth(Socket a, Socket b) {
    try {
      a.close();
      b.close();
    } catch (IOException e) {
      // closed already
    }
  }
}
