package dev.pacha.rebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import dev.pacha.config.ConfigLoader;
import dev.pacha.config.PachaConfig;
import dev.pacha.json.Json;
import dev.pacha.testing.TreeState;
import dev.pacha.transport.LocalUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator over its steps, against a file:// master: the report is the steps' results. */
class RebuildServiceTest {
  @TempDir Path tmp;
  RebuildFixture f;
  RebuildService service;

  @BeforeEach
  void pushed() throws Exception {
    f = new RebuildFixture(tmp);
    Path conf = tmp.resolve("pacha.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "[DEFAULT]",
            "pacha.master.url = file://" + f.master,
            "pacha.hostname = replacement",
            "pacha.state.dir = " + tmp.resolve("state"),
            "pacha.rebuild.staging = " + tmp.resolve("staging"),
            "pacha.rebuild.backups = " + tmp.resolve("backups"),
            ""));
    PachaConfig config = ConfigLoader.load(Optional.of(conf), Map.of());
    service = new RebuildService(config, new LocalUser(tmp, Map.of(), false), f.reporter);
  }

  private static long count(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void rebuild_full_placesEveryRootRunsHooksAndReportsEachPhase() throws Exception {
    f.hook("pacha_pre", "10-pre", "#!/bin/sh\necho pre\n");
    f.hook("pacha_post", "90-post", "#!/bin/sh\ntest -f \"$PACHA_TARGET_ROOT/opt/foo/app.conf\"\n");

    RebuildReport r = service.rebuild(f.full());

    assertEquals("ok", r.outcome());
    assertEquals(f.snapshot, r.snapshot());
    assertEquals(List.of("pre/10-pre", "post/90-post"), r.hooksPlanned());
    assertEquals(2, r.hooks().size());
    assertTrue(r.hooks().stream().allMatch(h -> h.ok()), r.hooks().toString());
    assertEquals(2, r.placed().size());
    assertEquals(
        TreeState.of(f.disk.resolve("opt/foo")), TreeState.of(f.target.resolve("opt/foo")));
    assertEquals(r, Json.read(Files.readAllBytes(Path.of(r.reportFile())), RebuildReport.class));
    assertEquals(0, count(tmp.resolve("staging")), "the staging dir is removed");
    assertEquals(
        "bar",
        new dev.pacha.track.StateDir(tmp.resolve("state")).tracked().host(),
        "the host carries on as bar");
  }

  @Test
  void rebuild_preHookFails_nothingPlacedStagingKeptReportWritten() throws Exception {
    f.hook("pacha_pre", "10-fails", "#!/bin/sh\nexit 7\n");

    RebuildFailedException e =
        assertThrows(RebuildFailedException.class, () -> service.rebuild(f.full()));

    assertEquals(PachaException.Kind.HOOK, e.kind());
    assertEquals("pre-hook 10-fails exited with 7; nothing was placed", e.getMessage());
    assertEquals("hook", e.report().outcome());
    assertEquals(List.of(), e.report().placed());
    assertEquals(1, e.report().hooks().size());
    assertNotNull(e.report().reportFile());
    assertTrue(Files.exists(Path.of(e.report().reportFile())));
    assertEquals(0, count(f.target), "no tree and no parent it created is left");
    assertEquals(1, count(tmp.resolve("staging")), "kept for the operator");
  }

  @Test
  void rebuild_damagedContent_integrityFailureWithTheEntriesSkipped() throws Exception {
    Path pack;
    try (Stream<Path> s = Files.list(f.master.resolve("bar/packs"))) {
      pack = s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
    }
    byte[] b = Files.readAllBytes(pack);
    b[0] ^= 1;
    Files.write(pack, b);

    RebuildFailedException e =
        assertThrows(RebuildFailedException.class, () -> service.rebuild(f.full()));

    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    assertTrue(
        e.getMessage().contains("is damaged on the master, nothing was placed"), e.getMessage());
    assertFalse(e.report().skipped().isEmpty());
    assertEquals(0, count(f.target));
  }

  @Test
  void rebuild_dryRun_changesNothingAndWritesNoReport() throws Exception {
    f.hook("pacha_pre", "10-pre", "#!/bin/sh\necho pre\n");
    RebuildRequest dry =
        new RebuildRequest("bar", Optional.empty(), Optional.empty(), true, f.target);

    RebuildReport r = service.rebuild(dry);

    assertEquals("dry-run", r.outcome());
    assertEquals(List.of("pre/10-pre"), r.hooksPlanned());
    assertEquals(List.of(), r.hooks());
    assertEquals(2, r.placed().size());
    assertEquals(null, r.reportFile());
    assertEquals(0, count(f.target));
    assertEquals(0, count(tmp.resolve("state/reports")));
  }

  @Test
  void rebuild_unknownSnapshot_failsBeforeStartingWithoutReport() {
    RebuildRequest old =
        new RebuildRequest("bar", Optional.empty(), Optional.of("1999"), false, f.target);
    PachaException e = assertThrows(PachaException.class, () -> service.rebuild(old));
    assertFalse(e instanceof RebuildFailedException, "nothing started, nothing to report");
  }
}
