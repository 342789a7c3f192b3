package dev.pacha.rebuild;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What to rebuild.
 *
 * @param host the host whose files come back
 * @param directory one tracked root to restore (its path or base name), no hooks
 * @param snapshot a snapshot id or prefix; the latest when empty
 * @param dryRun print the plan, change nothing
 * @param targetRoot where recorded paths are placed ("/" on a real host)
 */
public record RebuildRequest(
    String host,
    Optional<String> directory,
    Optional<String> snapshot,
    boolean dryRun,
    Path targetRoot) {

  /** A full rebuild (with hooks) restores every root; --directory restores one, no hooks. */
  public boolean full() {
    return directory.isEmpty();
  }
}
