package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.PachaConfig;
import dev.pacha.hooks.HookPhase;
import dev.pacha.hooks.HookResult;
import dev.pacha.json.Json;
import dev.pacha.store.HostStore;
import dev.pacha.store.Manifest;
import dev.pacha.store.MasterStore;
import dev.pacha.store.SnapshotCatalog;
import dev.pacha.store.Stores;
import dev.pacha.store.Verifier;
import dev.pacha.track.ManifestCopy;
import dev.pacha.track.StateDir;
import dev.pacha.track.TrackedState;
import dev.pacha.transport.LocalUser;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A rebuild, as the seed describes and safer, as a short run of steps: plan ({@link PlanStep}),
 * fetch into trees built beside their targets and verify every hash ({@link FetchStep}), pre-hooks
 * ({@link HookStep}), place: owners, modes and times, one sync, swap in, back up what stood there
 * ({@link PlaceStep}), record the host's state ({@link RecordStep}), post-hooks. The JSON report is
 * made from the steps' results ({@link ReportBuilder}).
 */
public final class RebuildService {
  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

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
      reporter.detail(
          "connected to the master in "
              + (System.nanoTime() - t) / 1_000_000
              + " ms"
              + trips(master.roundTrips()));
      long before = master.roundTrips();
      RebuildReport report = new Run(request, master).execute();
      if (before >= 0) {
        reporter.detail(
            (master.roundTrips() - before) + " round trips to the master for the rebuild");
      }
      return report;
    }
  }

  /** ", N round trips" for -v, or nothing when the backend does not count them. */
  private static String trips(long n) {
    return n < 0 ? "" : ", " + n + (n == 1 ? " round trip" : " round trips");
  }

  /** Brings back the host's tracking state from its latest snapshot (--restore-db). */
  public TrackedState restoreDb(String host, Path targetRoot) {
    try (StateDir.Lock lock = state.lock("restore-db " + host);
        MasterStore master = Stores.open(config, user)) {
      SnapshotCatalog catalog = master.host(host).catalog();
      Manifest m = catalog.manifest(catalog.resolve(Optional.empty()));
      TrackedState next = new TrackedState(host, targetRoot.toString(), m.roots());
      state.saveTracked(next);
      state.record(m, ManifestCopy.none());
      return next;
    }
  }

  /** One rebuild run: its steps in order, and what must be undone when one fails. */
  private final class Run {
    final RebuildRequest req;
    final HostStore store;
    final String master;
    final String run;
    final Path targetRoot;
    final Path reportFile;
    final ReportBuilder report;
    Path staging;

    /** Trees built and not (yet) swapped in; removed whatever way the run ends. */
    final List<BuiltTree> pending = new ArrayList<>();

    /** After a failed hook the staging dir stays, for the operator to look at what it saw. */
    boolean keepStaging;

    Run(RebuildRequest req, MasterStore master) {
      this.req = req;
      this.store = master.host(req.host());
      this.master = master.describe();
      Instant started = Instant.now();
      byte[] r = new byte[3];
      ThreadLocalRandom.current().nextBytes(r);
      this.run = RUN_TIME.format(started) + "-" + HexFormat.of().formatHex(r);
      this.targetRoot = req.targetRoot().toAbsolutePath().normalize();
      this.reportFile = state.reports().resolve("rebuild-" + run + ".json");
      this.report =
          new ReportBuilder(
              req,
              run,
              this.master,
              started.toString(),
              System.nanoTime(),
              req.dryRun() ? null : reportFile.toString());
    }

    RebuildReport execute() {
      try {
        return steps();
      } catch (StepFailure f) {
        keepStaging = f.kind() == PachaException.Kind.HOOK;
        cleanUp();
        String kind = f.kind().name().toLowerCase(Locale.ROOT);
        throw new RebuildFailedException(f.kind(), f.getMessage(), written(kind, f.getMessage()));
      } finally {
        cleanUp();
      }
    }

    private RebuildReport steps() {
      String snapshot = store.catalog().resolve(req.snapshot());
      report.snapshot(snapshot);
      if (!req.dryRun()) {
        staging = Staging.create(config.stagingDir(), run);
      }
      Plan plan =
          new PlanStep(store.catalog(), store.hooks(), reporter)
              .plan(req, snapshot, targetRoot, staging == null ? null : Staging.manifest(staging));
      report.planned(plan);
      // Pre-hooks may create the users and groups the files need: then owners are checked after
      // them. Without pre-hooks, a missing owner under `fail` stops the rebuild before the fetch.
      if (req.dryRun() || !plan.hasPreHooks()) {
        OwnerCheck.check(
            plan.selected(), config.missingOwner(), req.dryRun() && plan.hasPreHooks(), reporter);
      }
      if (req.dryRun()) {
        report.placed(PlaceStep.preview(plan, backups()));
        return written("dry-run", null);
      }

      FetchStep.Fetched fetched =
          new FetchStep(store.contents(), store.connections(), master, reporter)
              .fetch(plan, new TreeBuilder(targetRoot, run), req.host());
      pending.addAll(fetched.trees());
      report.fetched(fetched);
      if (!fetched.damaged().isEmpty()) {
        throw new StepFailure(
            PachaException.Kind.INTEGRITY,
            "snapshot "
                + snapshot
                + " of "
                + req.host()
                + " is damaged on the master, nothing was placed: "
                + Verifier.summarize(fetched.damaged()));
      }

      HookStep hooks = new HookStep(store.hooks(), config.hooksTimeout(), reporter);
      Map<String, String> env = hookEnv(snapshot);
      if (req.full()) {
        HookStep.HookRun pre = hooks.run(HookPhase.PRE, plan.preHooks(), staging, env, true);
        report.ran(pre);
        for (HookResult h : pre.results()) {
          if (!h.ok()) {
            throw new StepFailure(
                PachaException.Kind.HOOK,
                "pre-hook "
                    + h.name()
                    + (h.timedOut() ? " timed out" : " exited with " + h.exitCode())
                    + "; nothing was placed");
          }
        }
      }
      if (plan.hasPreHooks()) {
        OwnerCheck.check(plan.selected(), config.missingOwner(), false, reporter);
      }

      PlaceStep.Placement placement =
          new PlaceStep(new Placer(backups(), run, config.missingOwner()), reporter)
              .place(List.copyOf(pending), fetched.flush());
      pending.retainAll(placement.unplaced());
      report.placed(placement);
      if (placement.failure() != null) {
        throw new StepFailure(PachaException.Kind.FAILED, placement.failure());
      }

      if (req.full()) {
        new RecordStep(state)
            .record(req.host(), targetRoot, plan.manifest(), Staging.manifest(staging));
        HookStep.HookRun post = hooks.run(HookPhase.POST, plan.postHooks(), staging, env, false);
        report.ran(post);
        if (!post.failed().isEmpty()) {
          throw new StepFailure(
              PachaException.Kind.HOOK,
              "all files were placed, but post-hooks failed: " + String.join(", ", post.failed()));
        }
      }
      Staging.remove(staging, reporter);
      return written("ok", null);
    }

    private Path backups() {
      return config.backupsDir().resolve(run);
    }

    private Map<String, String> hookEnv(String snapshot) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PACHA_HOST", req.host());
      env.put("PACHA_SNAPSHOT", snapshot);
      env.put("PACHA_STAGING_DIR", staging.toString());
      env.put("PACHA_TARGET_ROOT", targetRoot.toString());
      env.put("PACHA_RUN", run);
      return env;
    }

    /** The report, written to the state dir unless this is a dry run. */
    private RebuildReport written(String outcome, String error) {
      RebuildReport r = report.build(outcome, error);
      if (!req.dryRun()) {
        state.write(reportFile, Json.bytes(r));
      }
      return r;
    }

    /**
     * Whatever way the run ends: trees built but not swapped in are removed (nothing of them was
     * placed), newest first, and connections opened ahead are closed.
     */
    private void cleanUp() {
      store.connections().closeSpare();
      for (int i = pending.size() - 1; i >= 0; i--) {
        TreeBuilder.discard(pending.get(i));
      }
      pending.clear();
      if (!keepStaging) {
        Staging.remove(staging, reporter);
      }
    }
  }
}
