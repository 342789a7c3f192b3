package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A rebuild's private staging dir (0700) under pacha.rebuild.staging: the manifest as read (hooks
 * find it there; the last push is recorded from it) and the hooks as run.
 */
final class Staging {
  private static final FileAttribute<?> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private Staging() {}

  /** Creates {@code base/run}, and base itself when missing. */
  static Path create(Path base, String run) {
    try {
      if (!Files.isDirectory(base)) {
        Files.createDirectories(base, PRIVATE);
      }
      return Files.createDirectory(base.resolve(run), PRIVATE);
    } catch (IOException e) {
      throw new StepFailure(
          PachaException.Kind.FAILED,
          "cannot create the staging dir under "
              + base
              + ": "
              + StepFailure.describe(e)
              + "; set pacha.rebuild.staging");
    }
  }

  /** The manifest's copy in a staging dir. */
  static Path manifest(Path staging) {
    return staging.resolve("manifest.json");
  }

  /** Removes a staging dir; one that cannot be removed is warned about. */
  static void remove(Path staging, Reporter reporter) {
    if (staging != null && Files.exists(staging)) {
      try {
        Trees.delete(staging);
      } catch (IOException e) {
        reporter.warn("could not remove the staging dir " + staging + ": " + e.getMessage());
      }
    }
  }
}
