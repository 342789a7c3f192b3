package dev.pacha.store;

import dev.pacha.Reporter;
import dev.pacha.hooks.HookPhase;
import dev.pacha.transport.Backend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The master store: one directory (or prefix) per host under the hosts path. */
public final class MasterStore implements AutoCloseable {
  private final Backend backend;
  private final Path cacheDir;

  /**
   * @param cacheDir where immutable pack indexes are cached locally, or null for no cache
   */
  public MasterStore(Backend backend, Path cacheDir) {
    this.backend = backend;
    this.cacheDir = cacheDir;
  }

  public String describe() {
    return backend.describe();
  }

  /** Round trips to the master so far ({@link Backend#roundTrips()}), -1 when not counted. */
  public long roundTrips() {
    return backend.roundTrips();
  }

  /** Whether the connection to the master is still up (a kept connection may have dropped). */
  public boolean isOpen() {
    return backend.isOpen();
  }

  /** Where {@code path} lies on the master, for messages (see {@link Backend#describe(String)}). */
  public String describe(String path) {
    return backend.describe(path);
  }

  public HostStore host(String name) {
    return new HostStore(backend, name, cacheDir);
  }

  /** Host directories present on the master. */
  public List<String> hosts() {
    List<String> names = new ArrayList<>();
    try {
      for (String n : backend.list("")) {
        if (HostNames.isValid(n)) {
          names.add(n);
        }
      }
    } catch (IOException e) {
      throw host("x").unreachable("list hosts", e);
    }
    return names;
  }

  /**
   * Creates a host's directory with empty pacha_pre/ and pacha_post/ (the original's --add-host).
   *
   * @return true when it was created, false when it was there already
   */
  public boolean addHost(String name) {
    HostNames.check(name);
    HostStore hs = host(name);
    boolean existed = hs.exists();
    try {
      backend.mkdirs(name + "/" + HookStore.PRE_DIRS.get(0));
      backend.mkdirs(name + "/" + HookStore.POST_DIRS.get(0));
    } catch (IOException e) {
      throw hs.unreachable("create host " + name, e);
    }
    return !existed;
  }

  /**
   * Replaces a host's hooks on the master (pacha hooks push): for each phase given, the regular
   * files of the local directory become the phase's whole set. Works on every backend, for masters
   * an operator cannot copy files onto (S3).
   *
   * @param pre the local pre-hook directory, or empty to leave the pre-hooks alone
   * @param post the local post-hook directory, or empty to leave the post-hooks alone
   * @return what was done, pre-hooks first
   */
  public List<HookStore.HookUpload> pushHooks(
      String host, Optional<Path> pre, Optional<Path> post, Reporter reporter) {
    HookStore hooks = host(host).hooks();
    List<HookStore.HookUpload> done = new ArrayList<>();
    pre.ifPresent(dir -> done.add(hooks.replace(HookPhase.PRE, dir, reporter)));
    post.ifPresent(dir -> done.add(hooks.replace(HookPhase.POST, dir, reporter)));
    return done;
  }

  /** A summary line per host for `pacha hosts`. */
  public record HostSummary(
      String host, String latest, String created, long entries, long bytes, int snapshots) {}

  public HostSummary summary(String name) {
    SnapshotCatalog catalog = host(name).catalog();
    Optional<String> latest = catalog.latest();
    int count = catalog.snapshotIds().size();
    if (latest.isEmpty()) {
      return new HostSummary(name, null, null, 0, 0, count);
    }
    Manifest m = catalog.manifest(latest.get());
    return new HostSummary(name, m.id(), m.created(), m.entries().size(), m.totalBytes(), count);
  }

  @Override
  public void close() {
    try {
      backend.close();
    } catch (IOException e) {
      // Nothing is lost: every write was committed or abandoned before this.
    }
  }
}
