package dev.pacha.store;

import java.io.IOException;
import java.io.InputStream;

/** Receives object contents as they are read from the master. */
public interface ObjectSink {
  /**
   * Called once per object with a stream of exactly {@code length} bytes. The store checks the
   * sha256 of what was read; the caller must not use the bytes until the fetch reports no problem.
   */
  void accept(String sha256, InputStream content, long length) throws IOException;
}
