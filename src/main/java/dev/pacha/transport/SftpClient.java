package dev.pacha.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * An SFTP version 3 client over a pair of streams (an ssh process's stdout and stdin): requests go
 * out as soon as they are made, many may be in flight, and one reader thread hands each reply to
 * the request with its id, in whatever order replies come. Safe for several threads at once.
 *
 * <p>When the stream ends or breaks, every request in flight and every later one fails with the one
 * exception {@code explain} makes of the cause (the backend reads ssh's reason there).
 */
final class SftpClient implements AutoCloseable {
  private final InputStream in;
  private final OutputStream out;
  private final Map<String, byte[]> extensions;
  private final Function<IOException, TransportException> explain;
  private final Map<Integer, CompletableFuture<SftpPacket.Reply>> pending =
      new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicLong roundTrips;
  private final AtomicLong requests = new AtomicLong();
  private volatile TransportException lost;

  /**
   * Requests in flight whose replies someone waits for: when none, the next one is a round trip.
   */
  private final AtomicInteger awaited = new AtomicInteger();

  /** Stands for every request sent with {@link #sendDetached}: its reply is read and dropped. */
  private static final CompletableFuture<SftpPacket.Reply> DETACHED = new CompletableFuture<>();

  private final ReentrantLock sending = new ReentrantLock();
  private final Thread reader;

  private SftpClient(
      InputStream in,
      OutputStream out,
      Map<String, byte[]> extensions,
      AtomicLong roundTrips,
      Function<IOException, TransportException> explain) {
    this.in = in;
    this.out = out;
    this.extensions = extensions;
    this.roundTrips = roundTrips;
    this.explain = explain;
    this.reader = new Thread(this::readReplies, "sftp-replies");
    reader.setDaemon(true);
  }

  /**
   * Says hello (INIT, VERSION) and starts taking replies.
   *
   * @param roundTrips counts the times a request went out with none in flight (shared by the
   *     connections of one store, so a fork's count adds up with the first's)
   * @param explain turns the stream's end or failure into the message every waiting caller gets
   * @throws IOException when the stream ends or breaks before the server answers (the caller reads
   *     the reason from ssh), or what answers is not SFTP version 3
   */
  static SftpClient start(
      InputStream in,
      OutputStream out,
      AtomicLong roundTrips,
      Function<IOException, TransportException> explain)
      throws IOException {
    out.write(new SftpPacket.Builder(SftpPacket.INIT, 4).putInt(SftpPacket.VERSION).bytes());
    out.flush();
    roundTrips.incrementAndGet();
    SftpPacket.Reply hello = SftpPacket.read(in);
    if (hello.type != SftpPacket.VERSION_REPLY) {
      throw new SftpPacket.SftpProtocolException(
          "the master answered the SFTP greeting with a packet of type " + (hello.type & 0xff));
    }
    int version = hello.getInt();
    if (version < SftpPacket.VERSION) {
      throw new SftpPacket.SftpProtocolException(
          "the master speaks SFTP version " + version + "; pacha needs version 3");
    }
    Map<String, byte[]> extensions = new HashMap<>();
    while (hello.remaining() > 0) {
      String name = hello.getUtf8();
      extensions.put(name, hello.getString());
    }
    SftpClient c =
        new SftpClient(in, out, Collections.unmodifiableMap(extensions), roundTrips, explain);
    c.reader.start();
    return c;
  }

  /** Whether the server offers an extension ("posix-rename@openssh.com"). */
  boolean supports(String extension) {
    return extensions.containsKey(extension);
  }

  /** A fresh request id. */
  int nextId() {
    return ids.incrementAndGet();
  }

  /**
   * Sends one request (built with {@link #nextId()}'s id) and returns its reply to come.
   *
   * @param flush whether to hand it to ssh now; a burst of requests flushes only its last
   */
  CompletableFuture<SftpPacket.Reply> send(int id, byte[] packet, boolean flush) {
    CompletableFuture<SftpPacket.Reply> reply = new CompletableFuture<>();
    TransportException gone = lost;
    if (gone != null) {
      reply.completeExceptionally(gone);
      return reply;
    }
    if (awaited.getAndIncrement() == 0) {
      roundTrips.incrementAndGet();
    }
    requests.incrementAndGet();
    pending.put(id, reply);
    sending.lock();
    try {
      out.write(packet);
      if (flush) {
        out.flush();
      }
    } catch (IOException e) {
      fail(e);
    } finally {
      sending.unlock();
    }
    if (lost != null && pending.remove(id) != null) {
      // The stream ended while this request went out: nobody else will answer it.
      awaited.decrementAndGet();
      reply.completeExceptionally(lost);
    }
    return reply;
  }

  /**
   * Sends a request whose reply nobody waits for (a CLOSE): not counted as a round trip, and a
   * failure to send it shows at the next request.
   */
  void sendDetached(int id, byte[] packet) {
    if (lost != null) {
      return;
    }
    requests.incrementAndGet();
    pending.put(id, DETACHED);
    sending.lock();
    try {
      out.write(packet);
      out.flush();
    } catch (IOException e) {
      fail(e);
    } finally {
      sending.unlock();
    }
  }

  /** Hands requests sent without a flush to ssh. */
  void flush() {
    sending.lock();
    try {
      out.flush();
    } catch (IOException e) {
      fail(e);
    } finally {
      sending.unlock();
    }
  }

  /** Sends one request and waits for its reply. */
  SftpPacket.Reply call(int id, byte[] packet) throws IOException {
    return await(send(id, packet, true));
  }

  /**
   * Waits for a reply.
   *
   * @throws TransportException when the connection ended first (with ssh's reason)
   * @throws InterruptedIOException when the waiting thread is interrupted
   */
  static SftpPacket.Reply await(CompletableFuture<SftpPacket.Reply> reply) throws IOException {
    try {
      return reply.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TransportException t) {
        // One exception is shared by every waiter: each gets its own, with its own stack.
        throw new TransportException(t.getMessage(), t);
      }
      throw new TransportException(String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException i =
          new InterruptedIOException("interrupted while waiting for the master");
      i.initCause(e);
      throw i;
    }
  }

  /** Requests sent with none in flight: about the round trips to the master so far. */
  long roundTrips() {
    return roundTrips.get();
  }

  /** Requests sent on this connection. */
  long requests() {
    return requests.get();
  }

  /** Whether replies can still come. */
  boolean isOpen() {
    return lost == null;
  }

  private void readReplies() {
    try {
      while (true) {
        SftpPacket.Reply r = SftpPacket.read(in);
        CompletableFuture<SftpPacket.Reply> waiting = pending.remove(r.id);
        if (waiting == null) {
          throw new SftpPacket.SftpProtocolException(
              "the master answered request " + r.id + ", which pacha did not send");
        }
        if (waiting != DETACHED) {
          awaited.decrementAndGet();
          waiting.complete(r);
        }
      }
    } catch (IOException e) {
      fail(e);
    }
  }

  /** Ends the connection for everyone: the first cause wins, later ones are dropped. */
  private void fail(IOException cause) {
    TransportException known = lost;
    // Explaining may wait for ssh to exit: not under the lock, so close() never waits for it.
    end(known != null ? known : explain.apply(cause));
  }

  private synchronized void end(TransportException why) {
    if (lost == null) {
      lost = why;
    }
    for (Integer id : pending.keySet()) {
      CompletableFuture<SftpPacket.Reply> waiting = pending.remove(id);
      if (waiting != null && waiting != DETACHED) {
        awaited.decrementAndGet();
        waiting.completeExceptionally(lost);
      }
    }
  }

  /**
   * Stops sending: the server sees the end of its input and exits. Requests still in flight fail
   * with {@code why}.
   *
   * @return false when another thread is in the middle of sending (its write may be blocked on a
   *     stalled link): the caller must then end the stream from the other side (kill ssh)
   */
  boolean close(TransportException why) {
    end(why);
    if (!sending.tryLock()) {
      return false;
    }
    try {
      out.close();
    } catch (IOException e) {
      // Already gone: the server sees its input end either way.
    } finally {
      sending.unlock();
    }
    return true;
  }

  @Override
  public void close() {
    close(new TransportException("the connection to the master was closed"));
  }
}
