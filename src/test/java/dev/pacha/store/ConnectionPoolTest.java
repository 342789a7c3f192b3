package dev.pacha.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.transport.Backend;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extra connections, over a backend whose forks are counted (as SFTP's are real connections). */
class ConnectionPoolTest {
  @TempDir Path tmp;
  StoreFixture f;
  final AtomicInteger opened = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  final Semaphore closing = new Semaphore(0);
  CountDownLatch forkMayFinish = new CountDownLatch(0);

  /** A connection of its own per fork, counted when opened and closed. */
  final class Forking extends StoreContract.Forwarding {
    Forking(Backend real) {
      super(real);
    }

    @Override
    public Backend fork() throws java.io.IOException {
      try {
        forkMayFinish.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      opened.incrementAndGet();
      return new StoreContract.Forwarding(real) {
        @Override
        public void close() {
          closed.incrementAndGet();
          closing.release();
        }
      };
    }

    @Override
    public boolean forksConnections() {
      return true;
    }
  }

  @BeforeEach
  void fixture() throws Exception {
    f = new StoreFixture(tmp);
  }

  /** A spare still opening is closed when it is ready, on the thread that opened it. */
  private void awaitClosed(int n) throws InterruptedException {
    assertTrue(closing.tryAcquire(n, 30, TimeUnit.SECONDS), closed.get() + " closed of " + n);
  }

  @Test
  void prepare_threeWanted_opensTwoExtraAndClosesThoseNotTaken() throws Exception {
    ConnectionPool pool = f.bar(new Forking(f.backend)).connections();
    pool.prepare(3);
    Backend taken = pool.extra(new AtomicBoolean());
    pool.closeSpare();
    taken.close();
    awaitClosed(2);
    assertEquals(2, opened.get());
    assertEquals(2, closed.get(), "the one not taken by closeSpare, the taken one by its user");
  }

  @Test
  void extra_stoppedBeforeReady_returnsNullAndClosesItOnceOpen() throws Exception {
    forkMayFinish = new CountDownLatch(1);
    ConnectionPool pool = f.bar(new Forking(f.backend)).connections();
    AtomicBoolean stop = new AtomicBoolean(true);
    assertNull(pool.extra(stop));
    forkMayFinish.countDown();
    awaitClosed(1);
    assertEquals(1, closed.get(), "the late connection is closed when it arrives");
  }

  @Test
  void spread_twoWorkers_firstOverTheOwnConnectionSecondOverAnExtra() throws Exception {
    Backend own = new Forking(f.backend);
    HostStore store = f.bar(own);
    List<Backend> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.Queue<Integer> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(List.of(1));
    Spread.Worker w = (b, stop) -> seen.add(b);
    Spread.run(store.connections(), queue, List.of(w, w), "testing");
    assertEquals(2, seen.size());
    assertSame(own, seen.get(0) == own ? seen.get(0) : seen.get(1));
    assertEquals(1, opened.get());
    assertEquals(1, closed.get(), "the extra connection is closed when its worker ends");
  }
}
