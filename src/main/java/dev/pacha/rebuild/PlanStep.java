package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.hooks.HookPhase;
import dev.pacha.store.HookStore;
import dev.pacha.store.Manifest;
import dev.pacha.store.SnapshotCatalog;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a rebuild: reads the snapshot's manifest (keeping a copy in the staging dir), chooses the
 * roots (all, or the one --directory names), checks where each goes, and lists the hooks that will
 * run.
 */
final class PlanStep {
  private final SnapshotCatalog catalog;
  private final HookStore hooks;
  private final Reporter reporter;

  PlanStep(SnapshotCatalog catalog, HookStore hooks, Reporter reporter) {
    this.catalog = catalog;
    this.hooks = hooks;
    this.reporter = reporter;
  }

  /**
   * @param snapshot the resolved snapshot id
   * @param targetRoot where recorded paths are placed, absolute
   * @param manifestCopy where to keep the manifest's bytes, or null (a dry run)
   */
  Plan plan(RebuildRequest req, String snapshot, Path targetRoot, Path manifestCopy) {
    long t = System.nanoTime();
    Manifest m = catalog.manifest(snapshot, manifestCopy);
    reporter.detail(
        "read and checked snapshot "
            + snapshot
            + " ("
            + m.entries().size()
            + " entries) in "
            + (System.nanoTime() - t) / 1_000_000
            + " ms");
    List<String> roots = selectRoots(m, req);
    Map<String, List<Entry>> byRoot = new LinkedHashMap<>();
    List<Entry> selected = new ArrayList<>();
    for (String root : roots) {
      List<Entry> list = new ArrayList<>();
      for (Entry e : m.entries()) {
        if (HostPaths.isWithin(e.path(), root)) {
          list.add(e);
        }
      }
      byRoot.put(root, list);
      selected.addAll(list);
    }
    for (String root : roots) {
      try {
        Targets.of(targetRoot, root);
      } catch (IOException e) {
        throw new StepFailure(
            PachaException.Kind.FAILED, "cannot check where " + root + " goes: " + e.getMessage());
      }
    }
    Map<String, String> pre = req.full() ? hooks.list(HookPhase.PRE) : Map.of();
    Map<String, String> post = req.full() ? hooks.list(HookPhase.POST) : Map.of();
    return new Plan(snapshot, m, byRoot, selected, targetRoot, pre, post);
  }

  /** Every root, or the one --directory names by its path or base name. */
  private static List<String> selectRoots(Manifest m, RebuildRequest req) {
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
    throw PachaException.usage("--directory " + d + " matches " + matches + "; give the full path");
  }
}
