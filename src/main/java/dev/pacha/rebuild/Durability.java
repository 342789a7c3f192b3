package dev.pacha.rebuild;

import dev.pacha.PachaException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Getting what a rebuild wrote onto the disk before it is swapped in. A whole file system is synced
 * in one call (syncfs, through sync(1) for now: {@link #startSync} is the one place that spawns
 * it); without it, every file is fsynced.
 */
final class Durability {
  private Durability() {}

  /**
   * Starts syncing the file system that holds {@code dir}.
   *
   * @return the running sync, or null when it cannot run here
   */
  static Process startSync(Path dir) {
    try {
      return new ProcessBuilder("sync", "-f", dir.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      return null; // no sync(1)
    }
  }

  /** Syncs the file systems holding these directories, one call each. */
  static void syncFileSystems(Collection<Path> dirs) {
    Set<Path> seen = new HashSet<>();
    for (Path d : dirs) {
      if (!seen.add(d)) {
        continue;
      }
      Process p = startSync(d);
      if (p != null && exitCode(p) == 0) {
        continue;
      }
      forceAll(d);
    }
  }

  private static int exitCode(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Syncs every file below {@code dir}, one by one. */
  private static void forceAll(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        }
      }
    } catch (IOException e) {
      throw PachaException.failed("cannot sync " + dir + " to disk: " + e.getMessage(), e);
    }
  }

  /** fsync a directory so renames in it survive a crash. */
  static void syncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse fsync on a directory; the rename has happened either way.
    }
  }

  /**
   * Starts a sync of the built trees' file system each time another {@link #EVERY} bytes have been
   * written (never two at once), so the disk writes while the network reads: the one sync before
   * the swap, which must wait for every byte, then has little left (a rebuild's 150 MiB took 180 ms
   * to sync at the end).
   */
  static final class EarlyFlush {
    static final long EVERY = 32L << 20;
    private final Path dir;
    private final AtomicLong unsynced = new AtomicLong();
    private Process running;

    /** Flushes the file system of {@code dir}; null: nothing to flush. */
    EarlyFlush(Path dir) {
      this.dir = dir;
    }

    /** Told after each content written, from any fetch thread. */
    void wrote(long bytes) {
      if (dir == null || unsynced.addAndGet(bytes) < EVERY) {
        return;
      }
      synchronized (this) {
        if (running != null && running.isAlive()) {
          return;
        }
        unsynced.set(0);
        running = startSync(dir); // null: the sync before the swap does it all
      }
    }

    /** Waits for the flush under way; the sync before the swap follows. */
    synchronized void await() {
      if (running != null) {
        exitCode(running);
      }
    }
  }
}
