package dev.pacha.rebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.config.MissingOwner;
import dev.pacha.store.HostStore;
import dev.pacha.testing.TreeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaceStepTest {
  @TempDir Path tmp;
  RebuildFixture f;
  Path backups;

  @BeforeEach
  void pushed() throws Exception {
    f = new RebuildFixture(tmp);
    backups = tmp.resolve("backups/RUN");
  }

  private FetchStep.Fetched fetched(Plan plan) {
    HostStore store = f.store();
    return new FetchStep(store.contents(), store.connections(), "the master", f.reporter)
        .fetch(plan, new TreeBuilder(f.target, "RUN"), "bar");
  }

  private PlaceStep step() {
    return new PlaceStep(new Placer(backups, "RUN", MissingOwner.SKIP), f.reporter);
  }

  @Test
  void place_fetchedTrees_sameTreeAsPushedWithOwnersModesAndTimes() throws Exception {
    Files.createDirectories(f.target.resolve("opt/foo"));
    Files.writeString(f.target.resolve("opt/foo/old"), "what stood there");
    FetchStep.Fetched fetched = fetched(f.plan());

    PlaceStep.Placement p = step().place(fetched.trees(), fetched.flush());

    assertNull(p.failure());
    assertEquals(List.of(), p.unplaced());
    assertEquals(
        TreeState.of(f.disk.resolve("opt/foo")), TreeState.of(f.target.resolve("opt/foo")));
    assertEquals("name bar\n", Files.readString(f.target.resolve("etc/bar.conf")));
    assertEquals(
        List.of(new RebuildReport.BackedUp("/opt/foo", backups.resolve("opt/foo").toString())),
        p.backedUp());
    assertEquals("what stood there", Files.readString(backups.resolve("opt/foo/old")));
    assertEquals(
        new RebuildReport.Placed("/opt/foo", f.target.resolve("opt/foo").toString(), 7, 3, 31),
        p.placed().get(1));
  }

  @Test
  void place_secondSwapFails_firstPlacedSecondLeftUnplacedWithTheReason() throws Exception {
    FetchStep.Fetched fetched = fetched(f.plan());
    Files.createDirectories(f.target.resolve("opt/foo"));
    // The aside name is taken by a non-empty directory: foo cannot be moved aside.
    Files.createDirectories(f.target.resolve("opt/.foo.pacha-old-RUN/x"));

    PlaceStep.Placement p = step().place(fetched.trees(), fetched.flush());

    assertTrue(
        p.failure().startsWith("placed 1 of 2 roots, then failed: cannot move"), p.failure());
    assertEquals(1, p.placed().size());
    assertEquals(List.of(fetched.trees().get(1)), p.unplaced());
    assertEquals("name bar\n", Files.readString(f.target.resolve("etc/bar.conf")));
  }

  @Test
  void preview_existingTarget_wouldBeBackedUpAndNothingChanges() throws Exception {
    Files.createDirectories(f.target.resolve("opt/foo"));

    PlaceStep.Placement p = PlaceStep.preview(f.plan(), backups);

    assertEquals(2, p.placed().size());
    assertEquals(
        List.of(new RebuildReport.BackedUp("/opt/foo", backups.resolve("opt/foo").toString())),
        p.backedUp());
    assertEquals(Set.of("."), TreeState.of(f.target.resolve("opt/foo")).keySet(), "still empty");
    assertFalse(RebuildFixture.exists(f.target.resolve("etc")));
  }
}
