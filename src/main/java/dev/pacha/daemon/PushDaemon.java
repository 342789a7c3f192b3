package dev.pacha.daemon;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.store.SnapshotWriter;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The push loop: every pacha.frequency seconds, push what changed (by content, so a change that
 * kept its mtime is still seen). File-system events shorten the wait; the periodic scan stays, as
 * events can be missed. A master outage is retried with backoff; nothing is lost meanwhile, as
 * every push sends the tree as it is then.
 */
public final class PushDaemon {
  /** Events are gathered this long before a push, so an editor's burst of writes is one push. */
  static final Duration SETTLE = Duration.ofSeconds(1);

  static final Duration FIRST_RETRY = Duration.ofSeconds(5);

  private final PushService pushes;
  private final Duration period;
  private final Reporter reporter;
  private int failures;

  /** Held during a push: a push asked for by `pacha push` waits for the round under way. */
  private final Object pushing = new Object();

  public PushDaemon(PushService pushes, Duration period, Reporter reporter) {
    this.pushes = pushes;
    this.period = period;
    this.reporter = reporter;
  }

  /**
   * One round: push if anything changed. Failures are reported, not thrown, except usage errors.
   *
   * @return true when the round succeeded (pushed or nothing to push)
   */
  public boolean runOnce() {
    try {
      Optional<SnapshotWriter.PushResult> r;
      synchronized (pushing) {
        r = pushes.pushIfChanged();
      }
      if (r.isPresent()) {
        SnapshotWriter.PushResult p = r.get();
        reporter.step(
            "pushed snapshot "
                + p.snapshot()
                + " of "
                + p.host()
                + ": "
                + p.entries()
                + " entries, "
                + p.uploadedObjects()
                + " new contents");
      } else {
        reporter.detail("no change");
      }
      failures = 0;
      return true;
    } catch (PachaException e) {
      if (e.kind() == PachaException.Kind.USAGE) {
        throw e;
      }
      failures++;
      reporter.warn("push failed (" + failures + " in a row): " + e.getMessage());
      return false;
    }
  }

  /**
   * A push asked for by `pacha push` (see {@link PushChannel}), by a service that reports to the
   * caller: runs after the round under way.
   */
  public SnapshotWriter.PushResult pushNow(PushService service) {
    synchronized (pushing) {
      return service.push();
    }
  }

  /** How long to wait after a round: the period, or a growing backoff after failures. */
  Duration nextWait(boolean ok) {
    if (ok || failures == 0) {
      return period;
    }
    long backoff = FIRST_RETRY.toMillis() << Math.min(failures - 1, 16);
    return Duration.ofMillis(Math.min(backoff, period.toMillis()));
  }

  /** Runs until {@code stop} says so; checks it at least once a second. */
  public void run(BooleanSupplier stop) {
    reporter.step("push daemon started: every " + period.toSeconds() + " s, and on file changes");
    WatchService watcher = newWatcher();
    try {
      while (!stop.getAsBoolean()) {
        boolean ok = runOnce();
        synchronized (pushing) {
          pushes.closeIdleConnection();
        }
        if (watcher != null) {
          register(watcher);
        }
        long deadline = System.nanoTime() + nextWait(ok).toNanos();
        while (!stop.getAsBoolean() && System.nanoTime() < deadline) {
          if (watcher != null && changed(watcher, deadline)) {
            if (ok) {
              break; // push early; after a failure the backoff still applies
            }
          } else if (watcher == null) {
            sleep(Math.min(1000, remainingMillis(deadline)));
          }
        }
      }
    } finally {
      if (watcher != null) {
        try {
          watcher.close();
        } catch (IOException e) {
          // Nothing to release beyond the watcher itself.
        }
      }
      reporter.step("push daemon stopped");
    }
  }

  private static long remainingMillis(long deadline) {
    return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private WatchService newWatcher() {
    try {
      return FileSystems.getDefault().newWatchService();
    } catch (IOException | UnsupportedOperationException e) {
      reporter.warn("no file-change events (" + e.getMessage() + "); pushing every period only");
      return null;
    }
  }

  private final Set<Path> registered = new HashSet<>();

  /** Watches every directory of the tracked trees (new ones are added after each round). */
  private void register(WatchService watcher) {
    for (Path dir : pushes.watchedDirectories()) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try {
        Files.walkFileTree(
            dir,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (registered.add(d)) {
                  try {
                    d.register(
                        watcher,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                  } catch (IOException e) {
                    registered.remove(d);
                  }
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        // The periodic scan still covers this tree.
      }
    }
  }

  /** Waits up to a second (or the deadline) for events; true when something changed. */
  private boolean changed(WatchService watcher, long deadline) {
    try {
      WatchKey key =
          watcher.poll(
              Math.min(1000, Math.max(1, remainingMillis(deadline))), TimeUnit.MILLISECONDS);
      if (key == null) {
        return false;
      }
      drain(key);
      // Let a burst of writes settle into one push.
      long settle = System.nanoTime() + SETTLE.toNanos();
      WatchKey more;
      while ((more = watcher.poll(Math.max(1, remainingMillis(settle)), TimeUnit.MILLISECONDS))
          != null) {
        drain(more);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ClosedWatchServiceException e) {
      return false;
    }
  }

  private void drain(WatchKey key) {
    key.pollEvents();
    if (!key.reset()) {
      registered.remove((Path) key.watchable());
    }
  }
}
