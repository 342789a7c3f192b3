package dev.pacha.daemon;

import dev.pacha.store.MasterStore;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The push daemon's connection to the master, kept open between its pushes so a push does not pay
 * an SSH handshake each time (about 100 ms of a one-file push). Closed when it has been idle for
 * {@link #IDLE}, when the daemon stops, and when a push over it failed.
 */
public final class KeptConnection implements AutoCloseable {
  /** An idle connection is closed after this long; the master need not hold it for hours. */
  static final Duration IDLE = Duration.ofMinutes(5);

  private final Supplier<MasterStore> open;
  private MasterStore store;
  private long lastUsed;

  public KeptConnection(Supplier<MasterStore> open) {
    this.open = open;
  }

  /**
   * The kept connection, or a new one.
   *
   * @return the store, and whether it was kept from before (a failure on it may be the drop)
   */
  synchronized Lease lease() {
    if (store != null && !store.isOpen()) {
      drop();
    }
    boolean kept = store != null;
    if (store == null) {
      store = open.get();
    }
    lastUsed = System.nanoTime();
    return new Lease(store, kept);
  }

  /** A connection lent for one push. */
  record Lease(MasterStore store, boolean kept) {}

  /** Closes the connection: a push over it failed, so it is not trusted again. */
  synchronized void drop() {
    if (store != null) {
      try {
        store.close();
      } catch (RuntimeException e) {
        // It is gone either way.
      }
      store = null;
    }
  }

  /** Closes the connection when it has been idle for {@link #IDLE}. */
  public synchronized void closeIfIdle() {
    if (store != null && System.nanoTime() - lastUsed > IDLE.toNanos()) {
      drop();
    }
  }

  @Override
  public synchronized void close() {
    drop();
  }
}
