package dev.pacha.rebuild;

import dev.pacha.hooks.HookPhase;
import dev.pacha.hooks.HookResult;
import java.util.ArrayList;
import java.util.List;

/** A rebuild's report, made from the results its steps returned so far. */
final class ReportBuilder {
  private final RebuildRequest req;
  private final String run;
  private final String master;
  private final String started;
  private final long t0;
  private final String file;
  private String snapshot;
  private Plan plan;
  private FetchStep.Fetched fetched;
  private HookStep.HookRun pre;
  private PlaceStep.Placement placement;
  private HookStep.HookRun post;

  /**
   * @param t0 System.nanoTime() when the run started
   * @param file where the report is written, or null (a dry run)
   */
  ReportBuilder(
      RebuildRequest req, String run, String master, String started, long t0, String file) {
    this.req = req;
    this.run = run;
    this.master = master;
    this.started = started;
    this.t0 = t0;
    this.file = file;
  }

  void snapshot(String id) {
    this.snapshot = id;
  }

  void planned(Plan p) {
    this.plan = p;
  }

  void fetched(FetchStep.Fetched f) {
    this.fetched = f;
  }

  void ran(HookStep.HookRun hooks) {
    if (hooks.phase() == HookPhase.PRE) {
      pre = hooks;
    } else {
      post = hooks;
    }
  }

  void placed(PlaceStep.Placement p) {
    this.placement = p;
  }

  RebuildReport build(String outcome, String error) {
    List<RebuildReport.Skipped> skipped = new ArrayList<>();
    List<HookResult> hooks = new ArrayList<>();
    if (fetched != null) {
      skipped.addAll(fetched.skipped());
      for (String line : fetched.damaged()) {
        int cut = line.indexOf(": ");
        skipped.add(new RebuildReport.Skipped(line.substring(0, cut), line.substring(cut + 2)));
      }
    }
    if (placement != null) {
      skipped.addAll(placement.skipped());
    }
    if (pre != null) {
      hooks.addAll(pre.results());
    }
    if (post != null) {
      hooks.addAll(post.results());
    }
    return new RebuildReport(
        run,
        req.host(),
        snapshot,
        master,
        req.targetRoot().toAbsolutePath().normalize().toString(),
        req.full(),
        outcome,
        error,
        started,
        (System.nanoTime() - t0) / 1_000_000,
        placement == null ? List.of() : List.copyOf(placement.placed()),
        placement == null ? List.of() : List.copyOf(placement.backedUp()),
        List.copyOf(skipped),
        plan == null ? List.of() : plan.hooksPlanned(),
        List.copyOf(hooks),
        new RebuildReport.Timings(
            fetched == null ? 0 : fetched.millis(),
            pre == null ? 0 : pre.millis(),
            placement == null ? 0 : placement.millis(),
            post == null ? 0 : post.millis()),
        file);
  }
}
