package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.transport.Backend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work spread over several connections to the master (a rebuild's fetch, a large push): one SSH
 * channel is bound by one thread's ciphers. Each worker runs over its own connection, the first
 * over the store's and the others opened as they start (their handshakes overlap the first's work),
 * and takes items from one queue, so a worker that starts late or draws slow items does less. The
 * first failure empties the queue and closes the other connections, so their I/O ends at once;
 * every worker has ended before {@link #run} returns or throws, so nothing is still writing when
 * the caller cleans up.
 */
final class Spread {
  private Spread() {}

  /** One worker: takes items from the shared queue until it is empty or {@code stop} is set. */
  interface Worker {
    void run(Backend backend, AtomicBoolean stop);
  }

  /**
   * Runs the workers, one per connection, and rethrows the first failure.
   *
   * @param queue the items the workers take; emptied at the first failure
   * @param doing what is under way, for the message when interrupted ("uploading")
   */
  static void run(
      ConnectionPool pool, Queue<?> queue, List<? extends Worker> workers, String doing) {
    AtomicBoolean stop = new AtomicBoolean();
    if (workers.size() == 1) {
      workers.get(0).run(pool.own(), stop);
      return;
    }
    List<Backend> extras = Collections.synchronizedList(new ArrayList<>());
    Runnable stopAll =
        () -> {
          stop.set(true);
          queue.clear();
          synchronized (extras) {
            extras.forEach(ConnectionPool::closeQuietly);
          }
        };
    ExecutorService threads = Executors.newFixedThreadPool(workers.size());
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      Worker w = workers.get(i);
      boolean own = i == 0;
      futures.add(
          threads.submit(
              () -> {
                Backend b = null;
                try {
                  b = own ? pool.own() : pool.extra(stop);
                  if (b == null) {
                    return null; // another worker failed while this one connected
                  }
                  if (!own) {
                    extras.add(b);
                  }
                  w.run(b, stop);
                  return null;
                } catch (RuntimeException e) {
                  stopAll.run();
                  throw e;
                } finally {
                  if (b != null && !own) {
                    ConnectionPool.closeQuietly(b);
                  }
                }
              }));
    }
    RuntimeException first = null;
    try {
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // The worker that failed first names the cause; the others failed because of it.
          if (first == null) {
            first =
                e.getCause() instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopAll.run();
      throw PachaException.failed("interrupted while " + doing, e);
    } finally {
      threads.shutdown();
    }
    if (first != null) {
      throw first;
    }
  }
}
