package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.PachaConfig;
import dev.pacha.hooks.HookResult;
import dev.pacha.hooks.HookRunner;
import dev.pacha.json.Json;
import dev.pacha.store.HostStore;
import dev.pacha.store.Manifest;
import dev.pacha.store.MasterStore;
import dev.pacha.store.Stores;
import dev.pacha.store.Verifier;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import dev.pacha.track.LastPush;
import dev.pacha.track.StateDir;
import dev.pacha.track.TrackedState;
import dev.pacha.transport.LocalUser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A rebuild, as the seed describes and safer: pull the snapshot into a private staging dir and
 * verify every hash, run pre-hooks, put every tracked root back (what stood there goes to the
 * backups dir), restore owner/group/mode/mtime, run post-hooks, write a JSON report.
 */
public final class RebuildService {
  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * Connections a rebuild reads over at once: one SFTP channel is bound by one thread's ciphers, so
   * a second connection uses the second core (measured in bench/, README Performance).
   */
  static final int FETCH_CONNECTIONS = 2;

  private final PachaConfig config;
  private final LocalUser user;
  private final Reporter reporter;
  private final StateDir state;

  public RebuildService(PachaConfig config, LocalUser user, Reporter reporter) {
    this.config = config;
    this.user = user;
    this.reporter = reporter;
    this.state = new StateDir(config.stateDir());
  }

  /**
   * Runs a rebuild (or, with dryRun, only plans it).
   *
   * @throws RebuildFailedException when it started and failed (the report is written)
   */
  public RebuildReport rebuild(RebuildRequest request) {
    long t = System.nanoTime();
    try (StateDir.Lock lock = state.lock("rebuild " + request.host());
        MasterStore master = Stores.open(config, user)) {
      reporter.detail("connected to the master in " + ms(t) + " ms" + trips(master, 0));
      Run run = new Run(request, master);
      try {
        return run.execute();
      } finally {
        run.cleanUp();
      }
    }
  }

  /** ", N round trips" since {@code before}, for -v; nothing when the backend does not count. */
  static String trips(MasterStore master, long before) {
    long now = master.roundTrips();
    if (now < 0) {
      return "";
    }
    long n = now - before;
    return ", " + n + (n == 1 ? " round trip" : " round trips");
  }

  /** Brings back the host's tracking state from its latest snapshot (--restore-db). */
  public TrackedState restoreDb(String host, Path targetRoot) {
    try (StateDir.Lock lock = state.lock("restore-db " + host);
        MasterStore master = Stores.open(config, user)) {
      HostStore hs = master.host(host);
      Manifest m = hs.manifest(hs.resolve(Optional.empty()));
      TrackedState next = new TrackedState(host, targetRoot.toString(), m.roots());
      state.saveTracked(next);
      state.saveLastPush(
          m, new LastPush(m.id(), LastPush.fingerprint(m.host(), m.roots(), m.entries())));
      return next;
    }
  }

  /** One rebuild run, with the state its report is made from. */
  private final class Run {
    final RebuildRequest req;
    final MasterStore master;
    final HostStore store;
    final String run;
    final Instant started = Instant.now();
    final long t0 = System.nanoTime();
    final List<RebuildReport.Placed> placed = new ArrayList<>();
    final List<HookResult> hooks = new ArrayList<>();
    final List<String> hooksPlanned = new ArrayList<>();
    final List<RebuildReport.Skipped> skipped = new ArrayList<>();
    List<RebuildReport.BackedUp> backedUp = new ArrayList<>();
    long fetchMs;
    long preMs;
    long placeMs;
    long postMs;
    String snapshot;
    Path staging;
    final List<Placer.Prepared> prepared = new ArrayList<>();

    Run(RebuildRequest req, MasterStore master) {
      this.req = req;
      this.master = master;
      this.store = master.host(req.host());
      byte[] r = new byte[3];
      ThreadLocalRandom.current().nextBytes(r);
      this.run = RUN_TIME.format(started) + "-" + java.util.HexFormat.of().formatHex(r);
    }

    RebuildReport execute() {
      long t = System.nanoTime();
      long trips = master.roundTrips();
      snapshot = store.resolve(req.snapshot());
      // The staging dir keeps the manifest as read (hooks find it there; the state is copied from
      // it at the end).
      if (!req.dryRun()) {
        staging = newStaging();
      }
      Manifest m =
          store.manifest(snapshot, staging == null ? null : staging.resolve("manifest.json"));
      reporter.detail(
          "read and checked snapshot "
              + snapshot
              + " ("
              + m.entries().size()
              + " entries) in "
              + ms(t)
              + " ms"
              + trips(master, trips));
      List<String> roots = selectRoots(m);
      Map<String, List<Entry>> byRoot = new LinkedHashMap<>();
      for (String root : roots) {
        List<Entry> list = new ArrayList<>();
        for (Entry e : m.entries()) {
          if (HostPaths.isWithin(e.path(), root)) {
            list.add(e);
          }
        }
        byRoot.put(root, list);
      }
      Path targetRoot = req.targetRoot().toAbsolutePath().normalize();
      Placer placer =
          new Placer(targetRoot, config.backupsDir().resolve(run), run, config.missingOwner());
      List<Entry> selected = byRoot.values().stream().flatMap(List::stream).toList();
      for (String root : roots) {
        try {
          placer.target(root);
        } catch (IOException e) {
          throw fail(
              PachaException.Kind.FAILED,
              "cannot check where " + root + " goes: " + e.getMessage());
        }
      }
      if (req.full()) {
        hooksPlanned.addAll(prefixed("pre", store.hooks(HostStore.PRE_HOOK_DIRS).keySet()));
        hooksPlanned.addAll(prefixed("post", store.hooks(HostStore.POST_HOOK_DIRS).keySet()));
      }
      boolean preHooks = hooksPlanned.stream().anyMatch(h -> h.startsWith("pre/"));
      // Pre-hooks may create the users and groups the files need: then owners are checked after
      // them. Without pre-hooks, a missing owner under `fail` stops the rebuild before the fetch.
      // (A throwaway placer: the real one must look owners up afresh after the pre-hooks.)
      if (req.dryRun() || !preHooks) {
        checkOwners(
            new Placer(targetRoot, config.backupsDir().resolve(run), run, config.missingOwner()),
            selected,
            req.dryRun() && preHooks);
      }
      if (req.dryRun()) {
        return plan(m, byRoot, targetRoot);
      }
      // The fetch reads over several connections: open the others while this one works.
      store.prepareConnections(FETCH_CONNECTIONS);

      // 2. Private staging dir (manifest, hooks), and each root's tree started beside its target
      // in a private hidden directory; contents go there straight from the master, their sha256
      // checked as they come. Nothing is placed until every one matched.
      t = System.nanoTime();
      Manifest selectedManifest =
          new Manifest(m.format(), m.id(), m.host(), m.created(), roots, m.packs(), selected);
      for (Map.Entry<String, List<Entry>> r : byRoot.entrySet()) {
        if (r.getValue().isEmpty()) {
          skipped.add(
              new RebuildReport.Skipped(
                  r.getKey(), "did not exist when the snapshot was taken; left as is"));
          continue;
        }
        try {
          prepared.add(placer.skeleton(r.getKey(), r.getValue()));
        } catch (IOException | RuntimeException e) {
          throw fail(
              PachaException.Kind.FAILED,
              "cannot build the restored tree of "
                  + r.getKey()
                  + ", nothing was replaced: "
                  + describe(e));
        }
      }
      reporter.step(
          "Fetching "
              + selectedManifest.fileCount()
              + " files of "
              + req.host()
              + " (snapshot "
              + snapshot
              + ") from "
              + master.describe());
      Map<String, String> names = new LinkedHashMap<>();
      for (Entry e : selected) {
        if (e.isFile()) {
          names.putIfAbsent(e.sha256(), e.path());
        }
      }
      final Placer writer = placer;
      if (!prepared.isEmpty()) {
        flush = new EarlyFlush(prepared.get(0).built());
      }
      Map<String, String> bad;
      trips = master.roundTrips();
      try {
        // A content that cannot be written here (a full disk) is this host's failure, exit 1.
        bad =
            store.fetch(
                selectedManifest,
                (sha, in, length) -> write(writer, sha, in, names.get(sha), length),
                FETCH_CONNECTIONS);
        if (bad.isEmpty()) {
          placer.copyDuplicates();
        }
      } catch (IOException e) {
        throw fail(
            PachaException.Kind.FAILED,
            "cannot write the restored tree, nothing was replaced: " + describe(e));
      } catch (java.io.UncheckedIOException e) {
        throw fail(
            PachaException.Kind.FAILED,
            "cannot write the restored tree, nothing was replaced: " + describe(e.getCause()));
      } catch (RebuildFailedException e) {
        throw e;
      } catch (PachaException e) {
        // The master went away mid-fetch: the report says so, like any failed rebuild.
        throw fail(e.kind(), e.getMessage() + "; nothing was placed");
      }
      fetchMs = ms(t);
      reporter.detail(
          "fetched and wrote the contents in " + fetchMs + " ms" + trips(master, trips));
      if (!bad.isEmpty()) {
        List<String> lines = Verifier.describe(selectedManifest, bad);
        skipped.addAll(
            lines.stream()
                .map(
                    l ->
                        new RebuildReport.Skipped(
                            l.substring(0, l.indexOf(": ")), l.substring(l.indexOf(": ") + 2)))
                .toList());
        throw fail(
            PachaException.Kind.INTEGRITY,
            "snapshot "
                + snapshot
                + " of "
                + req.host()
                + " is damaged on the master, nothing was"
                + " placed: "
                + Verifier.summarize(lines));
      }

      // 3. Pre-hooks (full rebuild only): a failure stops here, nothing placed.
      Map<String, String> env = hookEnv(targetRoot);
      if (req.full()) {
        t = System.nanoTime();
        List<HookResult> pre = runHooks("pre", HostStore.PRE_HOOK_DIRS, env, true);
        preMs = ms(t);
        for (HookResult h : pre) {
          if (!h.ok()) {
            throw fail(
                PachaException.Kind.HOOK,
                "pre-hook "
                    + h.name()
                    + (h.timedOut() ? " timed out" : " exited with " + h.exitCode())
                    + "; nothing was placed");
          }
        }
      }
      if (preHooks) {
        checkOwners(placer, selected, false);
      }

      // 4. Owners, modes and times on the built trees; one sync; swap each into place.
      t = System.nanoTime();
      try {
        for (Placer.Prepared p : prepared) {
          reporter.step("Placing " + p.root());
          placer.restore(p);
        }
        syncBuilt(prepared);
      } catch (IOException | RuntimeException e) {
        throw fail(
            PachaException.Kind.FAILED,
            "cannot build the restored tree, nothing was replaced: " + describe(e));
      }
      reporter.detail("restored owners, modes and times and synced in " + ms(t) + " ms");
      int swapped = 0;
      try {
        for (Placer.Prepared p : prepared) {
          placer.swap(p);
          swapped++;
          placed.add(
              new RebuildReport.Placed(
                  p.root(), p.target().toString(), p.entries().size(), p.files(), p.bytes()));
        }
      } catch (IOException e) {
        prepared.subList(0, swapped).clear();
        backedUp = placer.backedUp;
        skipped.addAll(placer.skipped);
        throw fail(
            PachaException.Kind.FAILED,
            "placed "
                + swapped
                + " of "
                + (swapped + prepared.size())
                + " roots, then failed: "
                + describe(e));
      }
      prepared.clear();
      backedUp = placer.backedUp;
      skipped.addAll(placer.skipped);
      placeMs = ms(t);

      // The rebuilt host carries on pushing as the host it replaced.
      if (req.full()) {
        state.saveTracked(new TrackedState(req.host(), targetRoot.toString(), m.roots()));
        state.copyLastPush(
            staging.resolve("manifest.json"),
            new LastPush(m.id(), LastPush.fingerprint(m.host(), m.roots(), m.entries())));
      }

      // 5. Post-hooks: all run; failures are reported.
      if (req.full()) {
        t = System.nanoTime();
        List<HookResult> post = runHooks("post", HostStore.POST_HOOK_DIRS, env, false);
        postMs = ms(t);
        List<String> failed = post.stream().filter(h -> !h.ok()).map(HookResult::name).toList();
        if (!failed.isEmpty()) {
          throw fail(
              PachaException.Kind.HOOK,
              "all files were placed, but post-hooks failed: " + String.join(", ", failed));
        }
      }
      cleanStaging();
      return report("ok", null);
    }

    /**
     * Owners the snapshot names that this host lacks, handled as pacha.rebuild.missing_owner says.
     * In a dry run of a full rebuild the pre-hooks have not run, and may still create them.
     */
    private void checkOwners(Placer placer, List<Entry> selected, boolean beforePreHooks) {
      Set<String> missing = placer.missingOwners(selected);
      if (missing.isEmpty()) {
        return;
      }
      String list = String.join(", ", missing);
      if (beforePreHooks) {
        reporter.warn(
            "not on this host yet: "
                + list
                + "; unless a pre-hook creates them, pacha.rebuild.missing_owner = "
                + config.missingOwner().name().toLowerCase(java.util.Locale.ROOT)
                + " applies");
        return;
      }
      switch (config.missingOwner()) {
        case FAIL ->
            throw fail(
                PachaException.Kind.FAILED,
                "these owners do not exist on this host: "
                    + list
                    + " (pacha.rebuild.missing_owner"
                    + " = fail); nothing was placed; create them (a pre-hook can), or use skip or"
                    + " numeric");
        case NUMERIC ->
            reporter.warn("not on this host: " + list + "; using the recorded numeric ids");
        case SKIP ->
            reporter.warn("not on this host: " + list + "; their files keep the current owner");
      }
    }

    private List<String> selectRoots(Manifest m) {
      if (req.directory().isEmpty()) {
        return m.roots();
      }
      String d = req.directory().get();
      List<String> matches = new ArrayList<>();
      for (String r : m.roots()) {
        if (r.equals(d) || r.substring(r.lastIndexOf('/') + 1).equals(d)) {
          matches.add(r);
        }
      }
      if (matches.size() == 1) {
        return matches;
      }
      if (matches.isEmpty()) {
        throw PachaException.usage(
            "--directory "
                + d
                + ": snapshot "
                + m.id()
                + " of "
                + req.host()
                + " tracks no such"
                + " directory; it tracks "
                + m.roots());
      }
      throw PachaException.usage(
          "--directory " + d + " matches " + matches + "; give the full path");
    }

    private RebuildReport plan(Manifest m, Map<String, List<Entry>> byRoot, Path targetRoot) {
      for (Map.Entry<String, List<Entry>> r : byRoot.entrySet()) {
        Path target = HostPaths.onDisk(targetRoot, r.getKey());
        long files = r.getValue().stream().filter(Entry::isFile).count();
        long bytes = r.getValue().stream().mapToLong(Entry::size).sum();
        placed.add(
            new RebuildReport.Placed(
                r.getKey(), target.toString(), r.getValue().size(), files, bytes));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          backedUp.add(
              new RebuildReport.BackedUp(
                  r.getKey(),
                  HostPaths.onDisk(config.backupsDir().resolve(run), r.getKey()).toString()));
        }
      }
      return report("dry-run", null);
    }

    private void write(Placer placer, String sha, InputStream in, String name, long length)
        throws IOException {
      long start = System.nanoTime();
      long done =
          placer.write(
              sha,
              in,
              length > (4 << 20)
                  ? d -> reporter.transfer(name, d, length, System.nanoTime() - start)
                  : d -> {});
      reporter.transfer(name, done, done, System.nanoTime() - start);
      if (flush != null) {
        flush.wrote(done);
      }
    }

    /** Set once the fetch starts: writes fetched contents out to disk while the fetch goes on. */
    private EarlyFlush flush;

    private Path newStaging() {
      Path base = config.stagingDir();
      try {
        if (!Files.isDirectory(base)) {
          Files.createDirectories(
              base,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path dir = base.resolve(run);
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
      } catch (IOException e) {
        throw fail(
            PachaException.Kind.FAILED,
            "cannot create the staging dir under "
                + base
                + ": "
                + describe(e)
                + "; set pacha.rebuild.staging");
      }
    }

    private void syncBuilt(List<Placer.Prepared> prepared) throws IOException {
      if (flush != null) {
        flush.await();
      }
      List<Path> dirs = new ArrayList<>();
      for (Placer.Prepared p : prepared) {
        dirs.add(
            Files.isDirectory(p.built(), LinkOption.NOFOLLOW_LINKS)
                ? p.built()
                : p.built().getParent());
      }
      sync(dirs);
    }

    private List<HookResult> runHooks(
        String phase, List<String> dirs, Map<String, String> env, boolean stop) {
      Map<String, String> found = store.hooks(dirs);
      if (found.isEmpty()) {
        return List.of();
      }
      Path dir = staging.resolve("hooks").resolve(phase);
      List<Path> scripts;
      try {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> h : found.entrySet()) {
          if (h.getKey().startsWith(".")) {
            continue;
          }
          Files.write(dir.resolve(h.getKey()), store.readHook(h.getValue()));
        }
        scripts = HookRunner.ordered(dir);
      } catch (IOException e) {
        throw fail(
            PachaException.Kind.FAILED, "cannot stage the " + phase + "-hooks: " + describe(e));
      }
      HookRunner runner = new HookRunner(config.hooksTimeout(), env, staging, reporter);
      List<HookResult> results = runner.run(phase, scripts, stop);
      hooks.addAll(results);
      return results;
    }

    private Map<String, String> hookEnv(Path targetRoot) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PACHA_HOST", req.host());
      env.put("PACHA_SNAPSHOT", snapshot);
      env.put("PACHA_STAGING_DIR", staging.toString());
      env.put("PACHA_TARGET_ROOT", targetRoot.toString());
      env.put("PACHA_RUN", run);
      return env;
    }

    /**
     * Whatever way the run ends: trees built but not swapped in are removed (nothing of them was
     * placed), newest first, and connections opened ahead are closed.
     */
    void cleanUp() {
      store.closeSpare();
      for (int i = prepared.size() - 1; i >= 0; i--) {
        Placer.discard(prepared.get(i));
      }
      prepared.clear();
      if (!keepStaging) {
        cleanStaging();
      }
    }

    /** After a failed hook the staging dir stays, for the operator to look at what it saw. */
    private boolean keepStaging;

    private PachaException fail(PachaException.Kind kind, String message) {
      keepStaging = kind == PachaException.Kind.HOOK;
      cleanUp();
      RebuildReport r = report(kindName(kind), message);
      return new RebuildFailedException(kind, message, r);
    }

    private void cleanStaging() {
      if (staging != null && Files.exists(staging)) {
        try {
          Trees.delete(staging);
        } catch (IOException e) {
          reporter.warn("could not remove the staging dir " + staging + ": " + e.getMessage());
        }
      }
    }

    private RebuildReport report(String outcome, String error) {
      Path file = state.reports().resolve("rebuild-" + run + ".json");
      RebuildReport r =
          new RebuildReport(
              run,
              req.host(),
              snapshot,
              master.describe(),
              req.targetRoot().toAbsolutePath().normalize().toString(),
              req.full(),
              outcome,
              error,
              started.toString(),
              ms(t0),
              List.copyOf(placed),
              List.copyOf(backedUp),
              List.copyOf(skipped),
              List.copyOf(hooksPlanned),
              List.copyOf(hooks),
              new RebuildReport.Timings(fetchMs, preMs, placeMs, postMs),
              req.dryRun() ? null : file.toString());
      if (!req.dryRun()) {
        state.write(file, Json.bytes(r));
      }
      return r;
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
    private final java.util.concurrent.atomic.AtomicLong unsynced =
        new java.util.concurrent.atomic.AtomicLong();
    private Process running;

    EarlyFlush(Path dir) {
      this.dir = dir;
    }

    void wrote(long bytes) {
      if (unsynced.addAndGet(bytes) < EVERY) {
        return;
      }
      synchronized (this) {
        if (running != null && running.isAlive()) {
          return;
        }
        unsynced.set(0);
        try {
          running =
              new ProcessBuilder("sync", "-f", dir.toString())
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .start();
        } catch (IOException e) {
          running = null; // no sync(1): the sync before the swap does it all
        }
      }
    }

    /** Waits for the flush under way; the sync before the swap follows. */
    synchronized void await() {
      if (running == null) {
        return;
      }
      try {
        running.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Syncs the file systems holding these directories in one call each (syncfs). */
  static void sync(List<Path> dirs) {
    Set<Path> seen = new HashSet<>();
    for (Path d : dirs) {
      if (!seen.add(d)) {
        continue;
      }
      try {
        Process p =
            new ProcessBuilder("sync", "-f", d.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() == 0) {
          continue;
        }
      } catch (IOException e) {
        // No sync(1): fall back to syncing every file below.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      forceAll(d);
    }
  }

  private static void forceAll(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        }
      }
    } catch (IOException e) {
      throw PachaException.failed("cannot sync " + dir + " to disk: " + e.getMessage(), e);
    }
  }

  private static String kindName(PachaException.Kind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static List<String> prefixed(String phase, Iterable<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (!n.startsWith(".")) {
        out.add(phase + "/" + n);
      }
    }
    return out;
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory: " + m;
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + m;
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason() + ": " + f.getFile();
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
