package dev.pacha.store;

import dev.pacha.PachaException;
import dev.pacha.transport.Backend;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One host's part of the master store, under {@code <hosts.path>/<host>/}:
 *
 * <pre>
 *   pacha_pre/  pacha_post/        hook scripts, placed by the operator      ({@link HookStore})
 *   snapshots/ID.json              one immutable manifest per push          ({@link SnapshotCatalog})
 *   packs/P.pack  packs/P.idx      file contents, stored once by sha256     ({@link ContentFetcher},
 *                                                                            {@link PackIndexes})
 *   latest                         format 1's pointer, for older versions (not read)
 * </pre>
 *
 * This class only holds the parts together and says how I/O against the master fails: every I/O
 * failure talking to the master becomes exit code 3; data that does not match what was recorded
 * becomes exit code 4 (in the parts).
 */
public final class HostStore {
  static final String SNAPSHOTS = "snapshots";
  static final String PACKS = "packs";
  static final String LATEST = "latest";

  private final Backend backend;
  private final String host;
  private final SnapshotCatalog catalog;
  private final PackIndexes indexes;
  private final ConnectionPool connections;
  private final ContentFetcher contents;
  private final HookStore hooks;

  HostStore(Backend backend, String host, Path cacheDir) {
    this.backend = backend;
    this.host = HostNames.check(host);
    this.catalog = new SnapshotCatalog(this);
    this.indexes = new PackIndexes(this, cacheDir);
    this.connections = new ConnectionPool(this);
    this.contents = new ContentFetcher(this, indexes, connections);
    this.hooks = new HookStore(this);
  }

  public String host() {
    return host;
  }

  /** The snapshots: which is latest, their ids, their manifests. */
  public SnapshotCatalog catalog() {
    return catalog;
  }

  /** Reading stored contents back, hash-checked. */
  public ContentFetcher contents() {
    return contents;
  }

  /** Which contents are stored, from the pack indexes. */
  public PackIndexes packIndexes() {
    return indexes;
  }

  /** Extra connections for work spread over several at once. */
  public ConnectionPool connections() {
    return connections;
  }

  /** The host's hook scripts. */
  public HookStore hooks() {
    return hooks;
  }

  /** Whether the host has a directory on the master. */
  public boolean exists() {
    return io("look up host " + host, () -> backend.exists(host));
  }

  /** The connection this store reads and writes over. */
  Backend backend() {
    return backend;
  }

  /** Where {@code rel} (under the host's directory) is on the backend. */
  String path(String rel) {
    return host + "/" + rel;
  }

  /** An I/O step against the master. */
  interface IoCall<T> {
    T call() throws IOException;
  }

  /** An I/O step against the master that returns nothing. */
  interface IoStep {
    void run() throws IOException;
  }

  void step(String what, IoStep step) {
    try {
      step.run();
    } catch (IOException e) {
      throw unreachable(what, e);
    }
  }

  <T> T io(String what, IoCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw unreachable(what, e);
    }
  }

  /** A failure talking to the master, as the operator reads it (exit code 3). */
  PachaException unreachable(String what, IOException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.nio.file.AccessDeniedException) {
      return PachaException.unreachable(
          "cannot " + what + ": the master denied access (" + msg + ")", e);
    }
    if (e instanceof dev.pacha.transport.TransportException) {
      return PachaException.unreachable("cannot " + what + ": " + msg, e);
    }
    return PachaException.unreachable(
        "cannot " + what + " on " + backend.describe() + ": " + msg, e);
  }
}
