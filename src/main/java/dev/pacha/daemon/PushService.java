package dev.pacha.daemon;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.PachaConfig;
import dev.pacha.store.HostNames;
import dev.pacha.store.Manifest;
import dev.pacha.store.MasterStore;
import dev.pacha.store.SnapshotWriter;
import dev.pacha.store.Stores;
import dev.pacha.track.Entry;
import dev.pacha.track.HashCache;
import dev.pacha.track.HostPaths;
import dev.pacha.track.LastPush;
import dev.pacha.track.ManifestCopy;
import dev.pacha.track.Scanner;
import dev.pacha.track.StateDir;
import dev.pacha.track.TrackedState;
import dev.pacha.transport.LocalUser;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** Tracking paths and pushing them to the master: --watch, --watch-single, push, status. */
public final class PushService {
  private final PachaConfig config;
  private final LocalUser user;
  private final Reporter reporter;
  private final StateDir state;

  /** The daemon's connection, kept between pushes; null: each push connects for itself. */
  private final KeptConnection kept;

  public PushService(PachaConfig config, LocalUser user, Reporter reporter) {
    this(config, user, reporter, null);
  }

  /** A push service that pushes over the daemon's kept connection. */
  public PushService(PachaConfig config, LocalUser user, Reporter reporter, KeptConnection kept) {
    this.config = config;
    this.user = user;
    this.reporter = reporter;
    this.state = new StateDir(config.stateDir());
    this.kept = kept;
  }

  /** Closes the kept connection when it has been idle long (the daemon's loop asks). */
  void closeIdleConnection() {
    if (kept != null) {
      kept.closeIfIdle();
    }
  }

  /** A connection the push daemon keeps open between pushes, for this config. */
  public static KeptConnection keptConnection(PachaConfig config, LocalUser user) {
    return new KeptConnection(() -> Stores.open(config, user));
  }

  /**
   * The name this host pushes as: pacha.hostname, else the name a rebuild set, else the system's.
   */
  public String hostName() {
    return hostName(config, state.tracked());
  }

  static String hostName(PachaConfig config, TrackedState tracked) {
    if (config.hostname().isPresent()) {
      return config.hostname().get();
    }
    if (tracked.host() != null) {
      return tracked.host();
    }
    String name = systemHostname();
    if (!HostNames.isValid(name)) {
      throw PachaException.usage(
          "the system hostname '"
              + name
              + "' cannot name a host on the master; set"
              + " pacha.hostname in "
              + config.source());
    }
    return name;
  }

  static String systemHostname() {
    try {
      String s =
          Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
      if (!s.isEmpty()) {
        return s;
      }
    } catch (IOException e) {
      // Not Linux; ask the resolver.
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /**
   * Starts tracking a path (a directory, or with {@code single} one file) and pushes at once.
   *
   * @param targetRoot where recorded paths lie on disk; "/" on a real host
   */
  public SnapshotWriter.PushResult watch(Path path, boolean single, Path targetRoot) {
    Path absolute = path.toAbsolutePath().normalize();
    Path root = targetRoot.toAbsolutePath().normalize();
    if (!absolute.startsWith(root)) {
      throw PachaException.usage(absolute + " is not under the target root " + root);
    }
    if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw PachaException.usage(absolute + " does not exist; give an existing path to track");
    }
    boolean isDir = Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS);
    if (single && isDir) {
      throw PachaException.usage(absolute + " is a directory; track it with --watch");
    }
    if (!single && !isDir) {
      if (Files.isSymbolicLink(absolute) && Files.isDirectory(absolute)) {
        throw PachaException.usage(
            absolute
                + " is a symlink to a directory; watch the directory itself ("
                + resolved(absolute)
                + ")");
      }
      throw PachaException.usage(
          absolute + " is not a directory; track a file with --watch-single");
    }
    String recorded = HostPaths.recorded(root, absolute);
    if (recorded.equals("/")) {
      throw PachaException.usage(
          "pacha does not track / as a whole; watch the directories that matter");
    }
    try (StateDir.Lock lock = state.lock("watch")) {
      TrackedState tracked = state.tracked();
      String currentRoot = tracked.targetRoot() == null ? "/" : tracked.targetRoot();
      if (!tracked.roots().isEmpty() && !Path.of(currentRoot).equals(root)) {
        throw PachaException.usage(
            "this state dir tracks paths under target root " + currentRoot + ", not " + root);
      }
      List<String> roots = new ArrayList<>(tracked.roots());
      for (String r : roots) {
        if (r.equals(recorded)) {
          reporter.step(recorded + " is already tracked");
          return pushLocked(tracked);
        }
        if (HostPaths.isWithin(recorded, r) || HostPaths.isWithin(r, recorded)) {
          throw PachaException.usage(
              recorded + " overlaps the tracked path " + r + "; track one or the other");
        }
      }
      roots.add(recorded);
      TrackedState next = new TrackedState(tracked.host(), root.toString(), roots);
      state.saveTracked(next);
      reporter.step("Tracking " + recorded);
      return pushLocked(next);
    }
  }

  private static String resolved(Path p) {
    try {
      return p.toRealPath().toString();
    } catch (IOException e) {
      return "its target";
    }
  }

  /** Pushes the tracked paths now. */
  public SnapshotWriter.PushResult push() {
    try (StateDir.Lock lock = state.lock("push")) {
      return pushLocked(state.tracked());
    }
  }

  /**
   * Pushes only when the tracked tree differs from the last push, compared by content hash and
   * metadata (not by mtime alone); the master is not contacted otherwise.
   *
   * @return the push, or empty when nothing changed
   */
  public Optional<SnapshotWriter.PushResult> pushIfChanged() {
    try (StateDir.Lock lock = state.lock("push")) {
      TrackedState tracked = state.tracked();
      requireTracked(tracked);
      Scanner.Result scan = scan(tracked);
      Optional<LastPush> last = lastPushed();
      if (last.isPresent()
          && last.get()
              .fingerprint()
              .equals(
                  LastPush.fingerprint(
                      hostName(config, tracked), tracked.roots(), scan.entries()))) {
        return Optional.empty();
      }
      // The last push's manifest is read once: with 100,000 entries a second copy would not fit
      // in the heap the launcher gives (README, Performance).
      return Optional.of(pushScanned(tracked, hostName(config, tracked), scan, last, null));
    }
  }

  /** The tracked directories, for a file watcher (a file's parent for a single-file root). */
  public List<Path> watchedDirectories() {
    TrackedState tracked = state.tracked();
    Path targetRoot = Path.of(tracked.targetRoot() == null ? "/" : tracked.targetRoot());
    List<Path> dirs = new ArrayList<>();
    for (String r : tracked.roots()) {
      Path p = HostPaths.onDisk(targetRoot, r);
      dirs.add(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? p : p.getParent());
    }
    return dirs;
  }

  /**
   * The last push's id and fingerprint: from its small state file, else (a state dir from before
   * that file, or a write cut in between) from the last pushed manifest itself.
   */
  private Optional<LastPush> lastPushed() {
    try {
      Optional<LastPush> saved = LastPush.parse(Files.readString(state.lastPushFingerprint()));
      if (saved.isPresent()) {
        return saved;
      }
    } catch (IOException e) {
      // missing or unreadable: fall back to the manifest
    }
    return lastPush()
        .map(m -> new LastPush(m.id(), LastPush.fingerprint(m.host(), m.roots(), m.entries())));
  }

  private Optional<Manifest> lastPush() {
    if (!Files.exists(state.lastPush())) {
      return Optional.empty();
    }
    try {
      return Optional.of(state.readJson(state.lastPush(), Manifest.class));
    } catch (IOException | RuntimeException e) {
      reporter.warn("cannot read " + state.lastPush() + "; treating every entry as new");
      return Optional.empty();
    }
  }

  private static void requireTracked(TrackedState tracked) {
    if (tracked.roots().isEmpty()) {
      throw PachaException.usage("nothing is tracked yet; start with: pacha --watch /path/to/dir");
    }
  }

  private Path hashCacheFile() {
    return state.path().resolve("hash-cache");
  }

  private Scanner.Result scan(TrackedState tracked) {
    Path targetRoot = Path.of(tracked.targetRoot() == null ? "/" : tracked.targetRoot());
    long t = System.nanoTime();
    // Before the first push nothing is on the master to compare with: the uploader hashes each
    // file as it sends it, so every file is read once.
    boolean first = !Files.exists(state.lastPush());
    Scanner.Result r =
        new Scanner(targetRoot, HashCache.load(hashCacheFile()), !first).scan(tracked.roots());
    reporter.detail(
        "scanned "
            + r.entries().size()
            + " entries in "
            + (System.nanoTime() - t) / 1_000_000
            + " ms");
    return r;
  }

  private SnapshotWriter.PushResult pushLocked(TrackedState tracked) {
    requireTracked(tracked);
    String host = hostName(config, tracked);
    if (kept != null) {
      return pushScanned(tracked, host, scan(tracked), lastPushed(), null);
    }
    // The SSH handshake takes about as long as scanning a few thousand files: do both at once.
    long t = System.nanoTime();
    CompletableFuture<MasterStore> connecting =
        CompletableFuture.supplyAsync(
            () -> {
              MasterStore m = Stores.open(config, user);
              reporter.detail(
                  "connected to the master in " + (System.nanoTime() - t) / 1_000_000 + " ms");
              return m;
            });
    Scanner.Result scan;
    try {
      scan = scan(tracked);
    } catch (RuntimeException e) {
      connecting.thenAccept(MasterStore::close);
      throw e;
    }
    return pushScanned(tracked, host, scan, lastPushed(), () -> joined(connecting));
  }

  private static MasterStore joined(CompletableFuture<MasterStore> connecting) {
    try {
      return connecting.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Pushes a scanned tree over {@code connect}'s connection (closed after), or, with none, over the
   * kept connection, connecting again once when a kept one turns out to have dropped (a push is all
   * or nothing, so a second try is safe).
   */
  private SnapshotWriter.PushResult pushScanned(
      TrackedState tracked,
      String host,
      Scanner.Result scan,
      Optional<LastPush> last,
      Supplier<MasterStore> connect) {
    for (String s : scan.skipped()) {
      reporter.warn("skipped " + s);
    }
    if (connect == null && kept == null) {
      connect = () -> Stores.open(config, user);
    }
    if (connect != null) {
      try (MasterStore master = connect.get()) {
        return pushOver(master, tracked, host, scan, last);
      }
    }
    KeptConnection.Lease lease = kept.lease();
    try {
      return pushOver(lease.store(), tracked, host, scan, last);
    } catch (PachaException e) {
      kept.drop();
      if (!lease.kept() || e.kind() != PachaException.Kind.UNREACHABLE) {
        throw e;
      }
      reporter.warn(
          "the kept connection to the master failed ("
              + e.getMessage()
              + "); pushing again over a new one");
    } catch (RuntimeException e) {
      kept.drop();
      throw e;
    }
    try {
      return pushOver(kept.lease().store(), tracked, host, scan, last);
    } catch (RuntimeException e) {
      kept.drop();
      throw e;
    }
  }

  private SnapshotWriter.PushResult pushOver(
      MasterStore master,
      TrackedState tracked,
      String host,
      Scanner.Result scan,
      Optional<LastPush> last) {
    Path targetRoot = Path.of(tracked.targetRoot() == null ? "/" : tracked.targetRoot());
    reporter.step(
        "Pushing " + scan.entries().size() + " entries as " + host + " to " + master.describe());
    SnapshotWriter writer = new SnapshotWriter(master.host(host), reporter);
    ManifestCopy copy = state.copyWhileSending();
    long trips = master.roundTrips();
    try {
      SnapshotWriter.Pushed pushed = writer.push(targetRoot, tracked.roots(), scan, last, copy);
      if (trips >= 0) {
        long n = master.roundTrips() - trips;
        reporter.detail(
            n + (n == 1 ? " round trip" : " round trips") + " to the master for the push");
      }
      pushed
          .manifest()
          .ifPresent(
              m -> {
                state.record(m, copy);
                HashCache.of(m.entries(), scan.stamps()).save(hashCacheFile());
              });
      return pushed.result();
    } finally {
      try {
        copy.discard(); // a push that failed, or nothing changed
      } catch (IOException e) {
        reporter.warn("cannot remove " + copy.file() + ": " + e.getMessage());
      }
    }
  }

  /** What changed since the last push, per path. */
  public record Status(
      String host,
      List<String> roots,
      String lastPush,
      String lastPushAt,
      List<String> added,
      List<String> removed,
      List<String> modified,
      List<String> skipped) {
    public boolean clean() {
      return added.isEmpty() && removed.isEmpty() && modified.isEmpty();
    }
  }

  /** Scans the tracked paths and compares them with the last push (no master needed). */
  public Status status() {
    TrackedState tracked = state.tracked();
    String host = hostName(config, tracked);
    Path targetRoot = Path.of(tracked.targetRoot() == null ? "/" : tracked.targetRoot());
    Scanner.Result scan =
        new Scanner(targetRoot, HashCache.load(hashCacheFile()), true).scan(tracked.roots());
    Optional<Manifest> last = lastPush();
    Map<String, Entry> before = new HashMap<>();
    last.ifPresent(m -> m.entries().forEach(e -> before.put(e.path(), e)));
    List<String> added = new ArrayList<>();
    List<String> modified = new ArrayList<>();
    for (Entry e : scan.entries()) {
      Entry b = before.remove(e.path());
      if (b == null) {
        added.add(e.path());
      } else if (!b.equals(e)) {
        modified.add(e.path() + " (" + differences(b, e) + ")");
      }
    }
    List<String> removed = new ArrayList<>(before.keySet());
    removed.sort(HostPaths.TREE_ORDER);
    return new Status(
        host,
        tracked.roots(),
        last.map(Manifest::id).orElse(null),
        last.map(Manifest::created).orElse(null),
        added,
        removed,
        modified,
        scan.skipped());
  }

  private static String differences(Entry a, Entry b) {
    List<String> d = new ArrayList<>();
    if (!a.type().equals(b.type())) {
      d.add("type");
    }
    if (a.sha256() != null && !a.sha256().equals(b.sha256())
        || a.target() != null && !a.target().equals(b.target())) {
      d.add("content");
    }
    if (!a.mode().equals(b.mode())) {
      d.add("mode " + a.mode() + " -> " + b.mode());
    }
    if (!a.owner().equals(b.owner())
        || !a.group().equals(b.group())
        || a.uid() != b.uid()
        || a.gid() != b.gid()) {
      d.add("owner");
    }
    if (!a.mtime().equals(b.mtime())) {
      d.add("mtime");
    }
    return String.join(", ", d);
  }
}
