package dev.pacha.rebuild;

import dev.pacha.store.Manifest;
import dev.pacha.track.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a rebuild will do, decided before anything is fetched ({@link PlanStep}).
 *
 * @param snapshot the snapshot's id
 * @param manifest the whole snapshot, as read
 * @param byRoot each root to restore with its entries, in tree order; empty for a root that did not
 *     exist when the snapshot was taken
 * @param selected the entries of every root to restore, in tree order
 * @param targetRoot where recorded paths are placed
 * @param preHooks pre-hooks that will run, in order, by name with their path under the host (none
 *     unless the rebuild is full)
 * @param postHooks post-hooks, as {@code preHooks}
 */
record Plan(
    String snapshot,
    Manifest manifest,
    Map<String, List<Entry>> byRoot,
    List<Entry> selected,
    Path targetRoot,
    Map<String, String> preHooks,
    Map<String, String> postHooks) {

  List<String> roots() {
    return List.copyOf(byRoot.keySet());
  }

  /** The snapshot narrowed to the roots restored: what the fetch reads. */
  Manifest selectedManifest() {
    Manifest m = manifest;
    return new Manifest(m.format(), m.id(), m.host(), m.created(), roots(), m.packs(), selected);
  }

  boolean hasPreHooks() {
    return !preHooks.isEmpty();
  }

  /** "pre/NAME" and "post/NAME", in the order they would run. */
  List<String> hooksPlanned() {
    List<String> out = new ArrayList<>();
    preHooks.keySet().forEach(n -> out.add("pre/" + n));
    postHooks.keySet().forEach(n -> out.add("post/" + n));
    return out;
  }
}
