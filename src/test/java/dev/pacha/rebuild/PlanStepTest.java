package dev.pacha.rebuild;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.PachaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanStepTest {
  @TempDir Path tmp;
  RebuildFixture f;

  @BeforeEach
  void pushed() throws Exception {
    f = new RebuildFixture(tmp);
  }

  @Test
  void plan_fullRebuild_everyRootItsEntriesAndTheHooksInRunOrder() throws Exception {
    f.hook("pacha_pre", "20-b", "#!/bin/sh\n");
    f.hook("pre_pacha", "10-a", "#!/bin/sh\n");
    f.hook("pacha_pre", ".swp", "junk");
    f.hook("pacha_post", "90-notify", "#!/bin/sh\n");
    Path copy = tmp.resolve("manifest.json");

    Plan p = f.plan(f.full(), copy);

    assertEquals(f.snapshot, p.snapshot());
    assertEquals(List.of("/etc/bar.conf", "/opt/foo"), p.roots());
    assertEquals(1, p.byRoot().get("/etc/bar.conf").size());
    assertEquals(7, p.byRoot().get("/opt/foo").size());
    assertEquals(8, p.selected().size());
    assertEquals(Map.of("10-a", "pre_pacha/10-a", "20-b", "pacha_pre/20-b"), p.preHooks());
    assertEquals(List.of("pre/10-a", "pre/20-b", "post/90-notify"), p.hooksPlanned());
    assertArrayEquals(
        Files.readAllBytes(f.master.resolve("bar/snapshots/" + f.snapshot + ".json")),
        Files.readAllBytes(copy),
        "the staging dir keeps the manifest as read");
  }

  @Test
  void plan_directoryByBaseName_thatRootOnlyAndNoHooks() throws Exception {
    f.hook("pacha_pre", "10-a", "#!/bin/sh\n");
    RebuildRequest one =
        new RebuildRequest("bar", Optional.of("foo"), Optional.empty(), false, f.target);

    Plan p = f.plan(one, null);

    assertEquals(List.of("/opt/foo"), p.roots());
    assertEquals(List.of(), p.hooksPlanned());
    assertEquals(7, p.selectedManifest().entries().size());
    assertEquals(List.of("/opt/foo"), p.selectedManifest().roots());
  }

  @Test
  void plan_directoryNotTracked_isUsageErrorNamingWhatIs() {
    RebuildRequest one =
        new RebuildRequest("bar", Optional.of("nope"), Optional.empty(), false, f.target);
    PachaException e = assertThrows(PachaException.class, () -> f.plan(one, null));
    assertEquals(PachaException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().contains("it tracks [/etc/bar.conf, /opt/foo]"), e.getMessage());
  }

  @Test
  void plan_parentIsALinkOutOfTheTargetRoot_refused() throws Exception {
    Files.createSymbolicLink(
        f.target.resolve("opt"), Files.createDirectories(tmp.resolve("elsewhere")));
    PachaException e = assertThrows(PachaException.class, () -> f.plan());
    assertEquals(PachaException.Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().contains("outside the target root"), e.getMessage());
  }
}
