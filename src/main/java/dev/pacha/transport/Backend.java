package dev.pacha.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Byte storage under one root: the master's hosts path over SFTP, a local directory, or an S3
 * prefix. Paths are relative, '/'-separated. Everything the store needs and nothing more, so a new
 * backend is small. Failures to reach or talk to the master are {@link TransportException}s (exit
 * code 3); a path that is not there is a {@link java.nio.file.NoSuchFileException}.
 */
public interface Backend extends Closeable {

  /** Where this backend points, for messages ("sftp://bar@master:22/pacha/hosts"). */
  String describe();

  /**
   * Where {@code path} lies on this backend, for messages: {@link #describe()} and the path joined
   * by exactly one slash, also when the backend's root is "/" ("sftp://bar@master:2222/bar").
   */
  default String describe(String path) {
    String base = describe();
    if (path.isEmpty()) {
      return base;
    }
    return base.endsWith("/") ? base + path : base + "/" + path;
  }

  /** Names directly under {@code dir}; empty when it does not exist. */
  List<String> list(String dir) throws IOException;

  /** Whether a file or directory exists at {@code path}. */
  boolean exists(String path) throws IOException;

  /** Reads a file from byte {@code offset} on; the caller closes the stream. */
  InputStream read(String path, long offset) throws IOException;

  /**
   * Reads at most {@code length} bytes of a file from byte {@code offset} on; the caller closes the
   * stream. A backend that reads ahead reads nothing past that range.
   */
  default InputStream read(String path, long offset, long length) throws IOException {
    InputStream in = read(path, offset);
    return new java.io.FilterInputStream(in) {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = super.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long k = super.skip(Math.min(n, left));
        left -= Math.max(0, k);
        return k;
      }

      @Override
      public int available() throws IOException {
        return (int) Math.min(super.available(), left);
      }
    };
  }

  /** Reads a whole small file (manifests, indexes, pointers). */
  default byte[] readAll(String path) throws IOException {
    try (InputStream in = read(path, 0)) {
      return in.readAllBytes();
    }
  }

  /**
   * Starts writing {@code path}. Nothing is visible under that name until {@link Upload#commit()};
   * closing without commit discards it. A commit replaces an existing file atomically.
   */
  Upload upload(String path) throws IOException;

  /** Creates a directory and its parents when missing. */
  void mkdirs(String dir) throws IOException;

  /** Removes a file; a file that is not there is not an error. */
  void delete(String path) throws IOException;

  /** A write in progress; see {@link Backend#upload(String)}. */
  interface Upload extends Closeable {
    OutputStream stream();

    /** Makes the written bytes durable and visible under the final name. */
    void commit() throws IOException;
  }

  /**
   * Another connection to the same store, for reading in parallel; the caller closes it. A backend
   * whose reads are already safe to run concurrently returns itself.
   */
  default Backend fork() throws IOException {
    return this;
  }

  /**
   * Whether {@link #fork()} opens a connection of its own, so uploads over the two run apart (an
   * SSH channel is bound by one thread's ciphers). Backends that return themselves say no.
   */
  default boolean forksConnections() {
    return false;
  }

  /**
   * Requests that went to the master with none in flight: about the round trips it cost so far, on
   * this connection and the ones {@link #fork()} made from it (shown with -v); -1 for a backend
   * that does not count them.
   */
  default long roundTrips() {
    return -1;
  }

  /** Whether the connection is still up; backends without one are always open. */
  default boolean isOpen() {
    return true;
  }

  /** Writes a small file in one go, atomically. */
  default void put(String path, byte[] content) throws IOException {
    try (Upload up = upload(path)) {
      up.stream().write(content);
      up.commit();
    }
  }
}
