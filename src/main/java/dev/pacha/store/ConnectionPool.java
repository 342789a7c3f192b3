package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.transport.Backend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The connections one host's work is spread over ({@link Spread}): the store's own, and extra ones,
 * which can be opened ahead ({@link #prepare}) so their handshakes overlap the work before a fetch.
 */
public final class ConnectionPool {
  private final HostStore store;

  /** Extra connections being opened ahead of a parallel fetch. */
  private final List<CompletableFuture<Backend>> spare = new ArrayList<>();

  ConnectionPool(HostStore store) {
    this.store = store;
  }

  /** The store's own connection; never closed here. */
  Backend own() {
    return store.backend();
  }

  /**
   * Starts opening the extra connections a fetch over {@code parallel} connections will use, in the
   * background. A backend that reads in parallel on one connection opens nothing.
   */
  public void prepare(int parallel) {
    synchronized (spare) {
      for (int i = spare.size() + 1; i < parallel; i++) {
        spare.add(CompletableFuture.supplyAsync(this::open));
      }
    }
  }

  private Backend open() {
    return store.io("open another connection to the master", store.backend()::fork);
  }

  /**
   * A prepared extra connection, or a new one; null when {@code stop} is set before it is ready (an
   * SSH handshake cut short can take its whole timeout to fail; nobody waits for it then).
   */
  Backend extra(AtomicBoolean stop) {
    CompletableFuture<Backend> f;
    synchronized (spare) {
      f = spare.isEmpty() ? null : spare.remove(0);
    }
    if (f == null) {
      f = CompletableFuture.supplyAsync(this::open);
    }
    while (true) {
      if (stop.get()) {
        f.thenAccept(ConnectionPool::closeQuietly);
        return null;
      }
      try {
        return f.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // Look at stop again.
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw PachaException.failed("interrupted while connecting to the master", e);
      }
    }
  }

  /** Closes prepared connections no work took. */
  public void closeSpare() {
    synchronized (spare) {
      for (CompletableFuture<Backend> f : spare) {
        f.thenAccept(
            b -> {
              if (b != store.backend()) {
                closeQuietly(b);
              }
            });
      }
      spare.clear();
    }
  }

  static void closeQuietly(Backend b) {
    try {
      b.close();
    } catch (IOException | RuntimeException e) {
      // Nothing is written over an extra connection once its work has ended.
    }
  }
}
