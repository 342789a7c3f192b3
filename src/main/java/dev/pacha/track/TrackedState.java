package dev.pacha.track;

import java.util.List;

/**
 * This host's tracking database: which paths it pushes and under which name. Kept in the state dir;
 * brought back from a snapshot by --restore-db and by a rebuild.
 *
 * @param host the name to push as, when set by a rebuild or --restore-db (pacha.hostname wins)
 * @param targetRoot where recorded paths lie on disk ("/" on a real host)
 * @param roots tracked paths, absolute, in the order they were added
 */
public record TrackedState(String host, String targetRoot, List<String> roots) {
  public static TrackedState empty() {
    return new TrackedState(null, "/", List.of());
  }
}
