package dev.pacha.track;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of a snapshot's manifest exactly as the master holds them, handed to {@link
 * StateDir#record} so the last push is kept without a second serialization (100,000 entries take
 * about 150 ms each time). Three kinds: none (the manifest is serialized again), a whole file that
 * exists elsewhere (a rebuild's staging copy; copied), and a copy written while the manifest is
 * sent ({@link StateDir#copyWhileSending()}; moved into place).
 */
public final class ManifestCopy {
  private final Path file;
  private final boolean own;
  private boolean whole;

  private ManifestCopy(Path file, boolean own, boolean whole) {
    this.file = file;
    this.own = own;
    this.whole = whole;
  }

  /** No copy: the state dir serializes the manifest itself. */
  public static ManifestCopy none() {
    return new ManifestCopy(null, false, false);
  }

  /** A whole copy that exists already and stays where it is (a rebuild's staging dir). */
  public static ManifestCopy of(Path file) {
    return new ManifestCopy(file, false, true);
  }

  /** A copy the state dir owns, written through {@link #through} as the manifest is sent. */
  static ManifestCopy sending(Path file) {
    return new ManifestCopy(file, true, false);
  }

  /** The copy's file, or null for {@link #none()}. */
  public Path file() {
    return file;
  }

  /** Whether the file holds the whole manifest. */
  public boolean whole() {
    return whole;
  }

  boolean owned() {
    return own;
  }

  /**
   * A stream that writes to {@code remote} and to the copy. A local failure (a full disk) only ends
   * the copy: the push goes on, and {@link StateDir#record} then serializes the manifest itself,
   * failing there with its own message, never as a master that cannot be reached. Closing it
   * flushes {@code remote} and leaves it open; call {@link Tee#complete()} after the last byte.
   */
  public Tee through(OutputStream remote) {
    OutputStream local = null;
    if (own) {
      try {
        local = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      } catch (IOException e) {
        local = null;
      }
    }
    return new Tee(remote, local);
  }

  /** Removes a copy the state dir owns that was not recorded (a failed push, nothing changed). */
  public void discard() throws IOException {
    if (own) {
      whole = false;
      Files.deleteIfExists(file);
    }
  }

  /** Writes to the master and to the local copy. */
  public final class Tee extends FilterOutputStream {
    private OutputStream local;

    Tee(OutputStream remote, OutputStream local) {
      super(remote);
      this.local = local;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      if (local != null) {
        try {
          local.write(b, off, len);
        } catch (IOException e) {
          drop();
        }
      }
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    /** The whole manifest went through: the copy is whole if every byte reached it. */
    public void complete() {
      if (local == null) {
        return;
      }
      try {
        local.close();
        whole = true;
      } catch (IOException e) {
        whole = false;
      } finally {
        local = null;
      }
    }

    private void drop() {
      try {
        local.close();
      } catch (IOException ignored) {
        // already failed
      }
      local = null;
    }

    @Override
    public void close() throws IOException {
      if (local != null) {
        drop(); // not completed: an exception is on its way
      }
      flush(); // the upload stream is the caller's to close
    }
  }
}
