package dev.pacha.track;

import dev.pacha.PachaException;
import dev.pacha.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The local state directory (pacha.state.dir): the tracking database, a copy of the last pushed
 * manifest, run reports and the lock that keeps two pushes or rebuilds apart.
 */
public final class StateDir {
  private final Path dir;

  public StateDir(Path dir) {
    this.dir = dir;
  }

  public Path path() {
    return dir;
  }

  public Path reports() {
    return dir.resolve("reports");
  }

  public Path lastPush() {
    return dir.resolve("last-push.json");
  }

  /** {@link LastPush#line()} of the last push, beside {@link #lastPush()}. */
  public Path lastPushFingerprint() {
    return dir.resolve("last-push.fingerprint");
  }

  /** Where a push writes its copy of the manifest as it sends it ({@link #copyWhileSending}). */
  Path lastPushCopy() {
    return dir.resolve("last-push.json.copy");
  }

  /**
   * A copy of the manifest a push is about to send, written as it is sent (see {@link
   * ManifestCopy#through}) and then handed to {@link #record}; {@link ManifestCopy#discard()}
   * removes it when the push does not record it.
   */
  public ManifestCopy copyWhileSending() {
    return ManifestCopy.sending(lastPushCopy());
  }

  /**
   * Records {@code snapshot} as what this host pushed last (a push, a rebuild, --restore-db): its
   * manifest in {@link #lastPush()}, from {@code bytes} when they hold it whole, else serialized
   * here; then its fingerprint in {@link #lastPushFingerprint()}. The old fingerprint goes first,
   * so a run cut in between leaves none, and the next push reads the manifest instead of trusting a
   * stale one.
   *
   * @return what was recorded
   */
  public LastPush record(Snapshot snapshot, ManifestCopy bytes) {
    LastPush last =
        new LastPush(
            snapshot.id(),
            LastPush.fingerprint(snapshot.host(), snapshot.roots(), snapshot.entries()));
    try {
      Files.deleteIfExists(lastPushFingerprint());
    } catch (IOException e) {
      throw PachaException.failed(
          "cannot write " + lastPushFingerprint() + ": " + e.getMessage(), e);
    }
    if (!bytes.whole()) {
      writeJson(lastPush(), snapshot);
    } else if (bytes.owned()) {
      install(bytes.file());
    } else {
      copy(lastPush(), bytes.file());
    }
    write(lastPushFingerprint(), last.line().getBytes(StandardCharsets.US_ASCII));
    return last;
  }

  /** Syncs a copy written in the state dir and moves it in place as the last push. */
  private void install(Path copy) {
    try {
      try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(
          copy, lastPush(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw PachaException.failed("cannot write " + lastPush() + ": " + e.getMessage(), e);
    }
  }

  public TrackedState tracked() {
    Path file = dir.resolve("tracked.json");
    if (!Files.exists(file)) {
      return TrackedState.empty();
    }
    try {
      return Json.read(Files.readAllBytes(file), TrackedState.class);
    } catch (IOException | RuntimeException e) {
      throw PachaException.failed(
          "cannot read the tracking database "
              + file
              + ": "
              + e.getMessage()
              + "; restore it with `pacha --restore-db HOST`",
          e);
    }
  }

  public void saveTracked(TrackedState state) {
    write(dir.resolve("tracked.json"), Json.bytes(state));
  }

  /** Writes a file in the state dir atomically (temp, fsync, rename). */
  public void write(Path file, byte[] content) {
    try {
      ensure();
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw PachaException.failed("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces {@code file} with a copy of {@code from}, durably and atomically, as {@link #write}.
   */
  public void copy(Path file, Path from) {
    try {
      ensure();
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw PachaException.failed("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a record as JSON atomically, streamed (a large manifest is never one byte array). */
  public void writeJson(Path file, Object value) {
    try {
      ensure();
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch =
              FileChannel.open(
                  tmp,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE);
          java.io.OutputStream out =
              new java.io.BufferedOutputStream(
                  java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
        Json.write(out, value);
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw PachaException.failed("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a JSON record from the state dir, streamed. */
  public <T> T readJson(Path file, Class<T> type) throws IOException {
    try (java.io.InputStream in =
        new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return Json.read(in, type);
    }
  }

  /** Creates the state dir (0700) when missing. */
  public void ensure() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }

  /**
   * Takes the state lock for one push or rebuild, or fails at once with exit code 6 when another
   * run holds it. The OS releases it if the process dies.
   */
  public Lock lock(String what) {
    Path file = dir.resolve("pacha.lock");
    try {
      ensure();
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // held by this same process (another thread)
      }
      if (lock == null) {
        ch.close();
        String holder = readHolder(file).map(h -> " (" + h + ")").orElse("");
        throw new PachaException(
            PachaException.Kind.LOCKED,
            "another pacha run holds the lock " + file + holder + "; wait for it to finish");
      }
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              (what + ", pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
      return new Lock(ch, lock);
    } catch (IOException e) {
      throw PachaException.failed("cannot take the lock " + file + ": " + e.getMessage(), e);
    }
  }

  private static Optional<String> readHolder(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A held state lock. */
  public static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        // Closing the channel releases the lock anyway.
      }
    }
  }
}
