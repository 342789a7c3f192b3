package dev.pacha.rebuild;

import dev.pacha.Reporter;
import dev.pacha.hooks.HookPhase;
import dev.pacha.hooks.HookResult;
import dev.pacha.hooks.HookRunner;
import dev.pacha.store.HookStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs one phase of the host's hooks: copies the planned scripts from the master into the staging
 * dir, then runs them there ({@link HookRunner}).
 */
final class HookStep {
  /**
   * How a phase's hooks ran.
   *
   * @param results every hook that ran, in order (pre-hooks stop at the first failure)
   * @param millis how long the phase took
   */
  record HookRun(HookPhase phase, List<HookResult> results, long millis) {
    /** Names of the hooks that failed. */
    List<String> failed() {
      return results.stream().filter(h -> !h.ok()).map(HookResult::name).toList();
    }
  }

  private final HookStore hooks;
  private final Duration timeout;
  private final Reporter reporter;

  HookStep(HookStore hooks, Duration timeout, Reporter reporter) {
    this.hooks = hooks;
    this.timeout = timeout;
    this.reporter = reporter;
  }

  /**
   * @param scripts the phase's hooks, in order, with their paths under the host ({@link Plan})
   * @param env PACHA_HOST, PACHA_SNAPSHOT, ...
   * @param stopOnFailure true for pre-hooks
   */
  HookRun run(
      HookPhase phase,
      Map<String, String> scripts,
      Path staging,
      Map<String, String> env,
      boolean stopOnFailure) {
    long t = System.nanoTime();
    if (scripts.isEmpty()) {
      return new HookRun(phase, List.of(), (System.nanoTime() - t) / 1_000_000);
    }
    Path dir = staging.resolve("hooks").resolve(phase.label());
    List<Path> staged;
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> h : scripts.entrySet()) {
        Files.write(dir.resolve(h.getKey()), hooks.read(h.getValue()));
      }
      staged = HookRunner.ordered(dir);
    } catch (IOException e) {
      throw StepFailure.failed("cannot stage the " + phase.label() + "-hooks", e);
    }
    List<HookResult> results =
        new HookRunner(timeout, env, staging, reporter).run(phase.label(), staged, stopOnFailure);
    return new HookRun(phase, results, (System.nanoTime() - t) / 1_000_000);
  }
}
