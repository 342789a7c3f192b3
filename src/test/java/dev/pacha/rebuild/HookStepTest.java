package dev.pacha.rebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.hooks.HookPhase;
import dev.pacha.hooks.HookResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookStepTest {
  @TempDir Path tmp;
  RebuildFixture f;
  Path staging;

  @BeforeEach
  void pushed() throws Exception {
    f = new RebuildFixture(tmp);
    staging = Files.createDirectories(tmp.resolve("staging"));
  }

  private HookStep.HookRun run(HookPhase phase, boolean stop) {
    Plan plan = f.plan();
    return new HookStep(f.store().hooks(), Duration.ofSeconds(30), f.reporter)
        .run(
            phase,
            phase == HookPhase.PRE ? plan.preHooks() : plan.postHooks(),
            staging,
            Map.of("PACHA_HOST", "bar"),
            stop);
  }

  @Test
  void run_preHooks_stagedFromTheMasterAndRunInOrderWithTheEnvironment() throws Exception {
    f.hook("pacha_pre", "20-second", "#!/bin/sh\necho \"second $PACHA_PHASE $PACHA_HOST\"\n");
    f.hook("pre_pacha", "10-first", "#!/bin/sh\necho first; pwd\n");

    HookStep.HookRun r = run(HookPhase.PRE, true);

    assertEquals(
        List.of("10-first", "20-second"), r.results().stream().map(HookResult::name).toList());
    assertEquals("first\n" + staging + "\n", r.results().get(0).output());
    assertEquals("second pre bar\n", r.results().get(1).output());
    assertEquals(List.of(), r.failed());
    assertTrue(Files.isRegularFile(staging.resolve("hooks/pre/10-first")));
  }

  @Test
  void run_failingPreHook_stopsThereAndNamesIt() throws Exception {
    f.hook("pacha_pre", "10-fails", "#!/bin/sh\nexit 3\n");
    f.hook("pacha_pre", "20-never", "#!/bin/sh\ntouch " + tmp.resolve("ran") + "\n");

    HookStep.HookRun r = run(HookPhase.PRE, true);

    assertEquals(1, r.results().size());
    assertEquals(3, r.results().get(0).exitCode());
    assertEquals(List.of("10-fails"), r.failed());
    assertFalse(Files.exists(tmp.resolve("ran")));
  }

  @Test
  void run_failingPostHook_theOthersStillRun() throws Exception {
    f.hook("pacha_post", "10-fails", "#!/bin/sh\nexit 1\n");
    f.hook("pacha_post", "20-runs", "#!/bin/sh\necho ran\n");

    HookStep.HookRun r = run(HookPhase.POST, false);

    assertEquals(2, r.results().size());
    assertEquals(List.of("10-fails"), r.failed());
    assertEquals("ran\n", r.results().get(1).output());
  }

  @Test
  void run_noHooks_nothingStaged() {
    HookStep.HookRun r = run(HookPhase.PRE, true);
    assertEquals(List.of(), r.results());
    assertFalse(Files.exists(staging.resolve("hooks")));
  }
}
