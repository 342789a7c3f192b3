package dev.pacha.rebuild;

import dev.pacha.hooks.HookResult;
import java.util.List;

/**
 * The JSON report every rebuild writes into the state dir (and prints with --json).
 *
 * @param outcome "ok", "dry-run", or the failure kind ("integrity", "hook", "failed")
 * @param error the one-line error, when it failed
 * @param placed what was put back, per tracked root
 * @param backedUp what stood in the way and where it went
 * @param skipped what was not restored (fully), with the reason
 * @param hooks every hook that ran, in order
 * @param timings milliseconds per phase
 */
public record RebuildReport(
    String run,
    String host,
    String snapshot,
    String master,
    String targetRoot,
    boolean full,
    String outcome,
    String error,
    String started,
    long durationMillis,
    List<Placed> placed,
    List<BackedUp> backedUp,
    List<Skipped> skipped,
    List<String> hooksPlanned,
    List<HookResult> hooks,
    Timings timings,
    String reportFile) {

  /** One tracked root put back. */
  public record Placed(String root, String target, int entries, long files, long bytes) {}

  /** Something that stood where a root goes, moved aside, never deleted. */
  public record BackedUp(String path, String backup) {}

  /** An entry not restored as recorded, and why. */
  public record Skipped(String path, String reason) {}

  /** Milliseconds per phase. */
  public record Timings(long fetch, long preHooks, long place, long postHooks) {}
}
