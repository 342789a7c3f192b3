package dev.pacha.rebuild;

import dev.pacha.store.Manifest;
import dev.pacha.track.LastPush;
import dev.pacha.track.ManifestCopy;
import dev.pacha.track.StateDir;
import dev.pacha.track.TrackedState;
import java.nio.file.Path;

/**
 * Records what a full rebuild brought back in the state dir, so the rebuilt host carries on pushing
 * as the host it replaced: the tracked roots under its name, and the snapshot as its last push.
 */
final class RecordStep {
  private final StateDir state;

  RecordStep(StateDir state) {
    this.state = state;
  }

  /**
   * @param manifestCopy the manifest's bytes as read into the staging dir
   * @return the tracking state now in effect, and the last push recorded
   */
  Recorded record(String host, Path targetRoot, Manifest m, Path manifestCopy) {
    TrackedState tracked = new TrackedState(host, targetRoot.toString(), m.roots());
    state.saveTracked(tracked);
    LastPush last = state.record(m, ManifestCopy.of(manifestCopy));
    return new Recorded(tracked, last);
  }

  /** What {@link #record} wrote. */
  record Recorded(TrackedState tracked, LastPush lastPush) {}
}
