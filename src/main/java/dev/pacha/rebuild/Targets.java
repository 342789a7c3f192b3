package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.track.HostPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Where a tracked root is placed on disk, checked to lie inside the target root. */
final class Targets {
  private Targets() {}

  /**
   * The root's place under {@code targetRoot}. Its parent must resolve inside the target root: a
   * symlink planted in a parent directory must not carry the rebuild somewhere else.
   *
   * @throws PachaException (integrity) when it would land outside
   */
  static Path of(Path targetRoot, String root) throws IOException {
    Path target = HostPaths.onDisk(targetRoot, root);
    Path realRoot = resolveExisting(targetRoot);
    Path realParent = resolveExisting(target.getParent());
    if (!realParent.startsWith(realRoot)) {
      throw PachaException.integrity(
          "refusing to place "
              + root
              + ": its parent "
              + target.getParent()
              + " resolves to "
              + realParent
              + ", outside the target root "
              + realRoot);
    }
    return target;
  }

  /** The real path of the deepest existing ancestor, with the missing rest appended. */
  private static Path resolveExisting(Path p) throws IOException {
    Path probe = p.toAbsolutePath().normalize();
    Path rest = probe.getFileSystem().getPath("");
    while (probe.getParent() != null && !Files.exists(probe, LinkOption.NOFOLLOW_LINKS)) {
      rest = probe.getFileName().resolve(rest);
      probe = probe.getParent();
    }
    return probe.toRealPath().resolve(rest);
  }
}
