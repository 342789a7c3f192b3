package dev.pacha.rebuild;

import dev.pacha.config.MissingOwner;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts built trees in place: owners, modes and times first ({@link #restore}), then each target is
 * swapped in by rename ({@link #swap}), and whatever stood there goes to the backups dir.
 */
final class Placer {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final Path backups;
  private final String run;
  private final MissingOwner missingOwner;
  private final Owners owners = new Owners();
  private final FileTime now = FileTime.from(Instant.now());

  /**
   * @param backups this run's backups dir
   * @param run the run's id (names of the files set aside)
   */
  Placer(Path backups, String run, MissingOwner missingOwner) {
    this.backups = backups;
    this.run = run;
    this.missingOwner = missingOwner;
  }

  /**
   * Restores owner, group, mode (all 12 bits) and mtime of every entry of a built root, children
   * before parents: setting a child's metadata must not disturb its directory's mtime after that
   * was restored, and a directory's mode may forbid writing into it.
   *
   * @return entries whose owner or group does not exist here and was left as is
   */
  List<RebuildReport.Skipped> restore(BuiltTree t) throws IOException {
    List<RebuildReport.Skipped> skipped = new ArrayList<>();
    List<Entry> entries = t.entries();
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      restoreMetadata(TreeBuilder.at(t.built(), t.root(), e.path()), e, t, skipped);
    }
    return skipped;
  }

  private void restoreMetadata(
      Path p, Entry e, BuiltTree built, List<RebuildReport.Skipped> skipped) throws IOException {
    Optional<UserPrincipal> user = owners.user(e.owner());
    Optional<GroupPrincipal> group = owners.group(e.group());
    // Ownership first: chown clears setuid/setgid, so the mode comes after it.
    if (user.isPresent()) {
      if (!user.get().getName().equals(built.createdOwner())) {
        Files.getFileAttributeView(p, PosixFileAttributeView.class, NOFOLLOW).setOwner(user.get());
      }
    } else if (missingOwner == MissingOwner.NUMERIC) {
      if (e.uid() != built.createdUid()) {
        Files.setAttribute(p, "unix:uid", e.uid(), NOFOLLOW);
      }
    } else {
      skipped.add(
          new RebuildReport.Skipped(
              e.path(), "user " + e.owner() + " does not exist here; owner left as is"));
    }
    if (group.isPresent()) {
      if (!group.get().getName().equals(built.createdGroup())) {
        Files.getFileAttributeView(p, PosixFileAttributeView.class, NOFOLLOW).setGroup(group.get());
      }
    } else if (missingOwner == MissingOwner.NUMERIC) {
      if (e.gid() != built.createdGid()) {
        Files.setAttribute(p, "unix:gid", e.gid(), NOFOLLOW);
      }
    } else {
      skipped.add(
          new RebuildReport.Skipped(
              e.path(), "group " + e.group() + " does not exist here; group left as is"));
    }
    if (e.isSymlink()) {
      try {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
            .setTimes(e.mtimeAsFileTime(), now, null);
      } catch (IOException | UnsupportedOperationException x) {
        // Some systems cannot set a link's own time; its target is never touched.
      }
      return;
    }
    // Files and directories here were created by this run inside a directory only its owner can
    // enter, so nothing can have swapped them for a link: the calls that follow links are safe,
    // and cheaper (chmod and utimes by path, no extra open and stat).
    Files.setAttribute(p, "unix:mode", e.modeBits());
    Files.getFileAttributeView(p, BasicFileAttributeView.class)
        .setTimes(e.mtimeAsFileTime(), now, null);
  }

  /**
   * Swaps a built root into place. What stood there is renamed aside first and then moved to the
   * backups dir, so it is never deleted and the target is missing only between two renames.
   *
   * @return where what stood there went, if anything did
   */
  Optional<RebuildReport.BackedUp> swap(BuiltTree t) throws IOException {
    Path parent = t.target().getParent();
    if (!Files.exists(t.target(), NOFOLLOW)) {
      Files.move(t.built(), t.target(), StandardCopyOption.ATOMIC_MOVE);
      Durability.syncDir(parent);
      return Optional.empty();
    }
    Path aside = parent.resolve("." + t.target().getFileName() + ".pacha-old-" + run);
    try {
      Files.move(t.target(), aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IOException(
          "cannot move " + t.target() + " aside (" + e.getMessage() + "; is it a mount point?)", e);
    }
    Files.move(t.built(), t.target(), StandardCopyOption.ATOMIC_MOVE);
    Durability.syncDir(parent);
    Path backup = HostPaths.onDisk(backups, t.root());
    Trees.move(aside, backup);
    return Optional.of(new RebuildReport.BackedUp(t.root(), backup.toString()));
  }
}
