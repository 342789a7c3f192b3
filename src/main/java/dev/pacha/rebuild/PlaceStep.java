package dev.pacha.rebuild;

import dev.pacha.Reporter;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Places the fetched trees: owners, modes and times on every built tree, one sync of their file
 * systems, then each tree swapped in (what stood there goes to the backups dir).
 */
final class PlaceStep {
  /**
   * What placing did.
   *
   * @param placed the roots put back (for a dry run: that would be)
   * @param backedUp what stood in the way and where it went
   * @param skipped entries whose owner or group was left as is
   * @param unplaced built trees not swapped in (after a failed swap), to be discarded
   * @param failure why placing stopped part way, or null
   * @param millis how long it took
   */
  record Placement(
      List<RebuildReport.Placed> placed,
      List<RebuildReport.BackedUp> backedUp,
      List<RebuildReport.Skipped> skipped,
      List<BuiltTree> unplaced,
      String failure,
      long millis) {}

  private final Placer placer;
  private final Reporter reporter;

  PlaceStep(Placer placer, Reporter reporter) {
    this.placer = placer;
    this.reporter = reporter;
  }

  /**
   * Places the trees. A failure before the first swap throws (nothing was replaced); a swap that
   * fails ends placing with a {@link Placement#failure()} and the trees left unplaced.
   */
  Placement place(List<BuiltTree> trees, Durability.EarlyFlush flush) {
    long t = System.nanoTime();
    List<RebuildReport.Skipped> skipped = new ArrayList<>();
    try {
      for (BuiltTree tree : trees) {
        reporter.step("Placing " + tree.root());
        skipped.addAll(placer.restore(tree));
      }
      flush.await();
      List<Path> dirs = new ArrayList<>();
      for (BuiltTree tree : trees) {
        dirs.add(
            Files.isDirectory(tree.built(), LinkOption.NOFOLLOW_LINKS)
                ? tree.built()
                : tree.built().getParent());
      }
      Durability.syncFileSystems(dirs);
    } catch (IOException | RuntimeException e) {
      throw StepFailure.failed("cannot build the restored tree, nothing was replaced", e);
    }
    reporter.detail(
        "restored owners, modes and times and synced in "
            + (System.nanoTime() - t) / 1_000_000
            + " ms");
    List<RebuildReport.Placed> placed = new ArrayList<>();
    List<RebuildReport.BackedUp> backedUp = new ArrayList<>();
    for (int i = 0; i < trees.size(); i++) {
      BuiltTree tree = trees.get(i);
      try {
        placer.swap(tree).ifPresent(backedUp::add);
      } catch (IOException e) {
        String failure =
            "placed "
                + i
                + " of "
                + trees.size()
                + " roots, then failed: "
                + StepFailure.describe(e);
        return new Placement(
            placed, backedUp, skipped, trees.subList(i, trees.size()), failure, ms(t));
      }
      placed.add(
          new RebuildReport.Placed(
              tree.root(),
              tree.target().toString(),
              tree.entries().size(),
              tree.files(),
              tree.bytes()));
    }
    return new Placement(placed, backedUp, skipped, List.of(), null, ms(t));
  }

  /** What placing a plan would do (--dry-run): each root, and what stands in its way. */
  static Placement preview(Plan plan, Path backups) {
    List<RebuildReport.Placed> placed = new ArrayList<>();
    List<RebuildReport.BackedUp> backedUp = new ArrayList<>();
    for (Map.Entry<String, List<Entry>> r : plan.byRoot().entrySet()) {
      Path target = HostPaths.onDisk(plan.targetRoot(), r.getKey());
      long files = r.getValue().stream().filter(Entry::isFile).count();
      long bytes = r.getValue().stream().mapToLong(Entry::size).sum();
      placed.add(
          new RebuildReport.Placed(
              r.getKey(), target.toString(), r.getValue().size(), files, bytes));
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        backedUp.add(
            new RebuildReport.BackedUp(
                r.getKey(), HostPaths.onDisk(backups, r.getKey()).toString()));
      }
    }
    return new Placement(placed, backedUp, List.of(), List.of(), null, 0);
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
