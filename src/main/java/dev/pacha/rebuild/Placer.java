package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.config.MissingOwner;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Puts tracked roots back. Each root is first built complete beside its target (same file system),
 * with contents, owners, modes and times; then all new trees are synced in one go; then each target
 * is swapped in by rename, and whatever stood there goes to the backups dir.
 */
final class Placer {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final Path targetRoot;
  private final Path objects;
  private final Path backups;
  private final String run;
  private final MissingOwner missingOwner;
  private final Owners owners = new Owners();
  private final Map<String, Path> placedBySha = new HashMap<>();
  final List<RebuildReport.BackedUp> backedUp = new ArrayList<>();
  final List<RebuildReport.Skipped> skipped = new ArrayList<>();

  /** A root built beside its target, ready to swap in. */
  record Prepared(String root, Path target, Path built, int entries, long files, long bytes) {}

  Placer(Path targetRoot, Path objects, Path backups, String run, MissingOwner missingOwner) {
    this.targetRoot = targetRoot;
    this.objects = objects;
    this.backups = backups;
    this.run = run;
    this.missingOwner = missingOwner;
  }

  /** Users and groups the entries name that do not exist on this host. */
  Set<String> missingOwners(List<Entry> entries) {
    Set<String> missing = new LinkedHashSet<>();
    for (Entry e : entries) {
      if (owners.user(e.owner()).isEmpty()) {
        missing.add("user " + e.owner());
      }
      if (owners.group(e.group()).isEmpty()) {
        missing.add("group " + e.group());
      }
    }
    return missing;
  }

  /** Where a root will be placed on disk, checked to lie inside the target root. */
  Path target(String root) throws IOException {
    Path target = HostPaths.onDisk(targetRoot, root);
    // The parent must resolve inside the target root: a symlink planted in a parent directory
    // must not carry the rebuild somewhere else.
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
    while (probe.getParent() != null && !Files.exists(probe, NOFOLLOW)) {
      rest = probe.getFileName().resolve(rest);
      probe = probe.getParent();
    }
    return probe.toRealPath().resolve(rest);
  }

  /** Builds one root, complete with metadata, beside its target. */
  Prepared prepare(String root, List<Entry> entries) throws IOException {
    Path target = target(root);
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path built = parent.resolve("." + target.getFileName() + ".pacha-new-" + run);
    Trees.delete(built);
    long files = 0;
    long bytes = 0;
    for (Entry e : entries) {
      Path p = at(built, root, e.path());
      switch (e.type()) {
        case Entry.DIR ->
            Files.createDirectory(
                p,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        case Entry.SYMLINK -> Files.createSymbolicLink(p, Path.of(e.target()));
        default -> {
          place(e, p);
          files++;
          bytes += e.size();
        }
      }
    }
    // Children before parents: setting a child's metadata must not disturb its directory's mtime
    // after that was restored, and a directory's mode may forbid writing into it.
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      restoreMetadata(at(built, root, e.path()), e);
    }
    return new Prepared(root, target, built, entries.size(), files, bytes);
  }

  private static Path at(Path built, String root, String path) {
    return path.equals(root) ? built : built.resolve(path.substring(root.length() + 1));
  }

  /** Puts one file's verified content in place: moved from staging the first time, else copied. */
  private void place(Entry e, Path p) throws IOException {
    Path first = placedBySha.get(e.sha256());
    if (first != null) {
      Files.copy(first, p, NOFOLLOW);
    } else {
      Path staged = objects.resolve(e.sha256());
      Files.move(staged, p);
      placedBySha.put(e.sha256(), p);
    }
  }

  private void restoreMetadata(Path p, Entry e) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, NOFOLLOW);
    Optional<UserPrincipal> user = owners.user(e.owner());
    Optional<GroupPrincipal> group = owners.group(e.group());
    // Ownership first: chown clears setuid/setgid, so the mode comes after it.
    if (user.isPresent()) {
      view.setOwner(user.get());
    } else if (missingOwner == MissingOwner.NUMERIC) {
      Files.setAttribute(p, "unix:uid", e.uid(), NOFOLLOW);
    } else {
      skipped.add(
          new RebuildReport.Skipped(
              e.path(), "user " + e.owner() + " does not exist here; owner left as is"));
    }
    if (group.isPresent()) {
      view.setGroup(group.get());
    } else if (missingOwner == MissingOwner.NUMERIC) {
      Files.setAttribute(p, "unix:gid", e.gid(), NOFOLLOW);
    } else {
      skipped.add(
          new RebuildReport.Skipped(
              e.path(), "group " + e.group() + " does not exist here; group left as is"));
    }
    if (!e.isSymlink()) {
      Files.setAttribute(p, "unix:mode", e.modeBits(), NOFOLLOW);
    }
    try {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
          .setTimes(e.mtimeAsFileTime(), null, null);
    } catch (IOException | UnsupportedOperationException x) {
      if (!e.isSymlink()) {
        throw x;
      }
      // Some systems cannot set a link's own time; its target is never touched.
    }
  }

  /**
   * Swaps a built root into place. What stood there is renamed aside first and then moved to the
   * backups dir, so it is never deleted and the target is missing only between two renames.
   */
  void swap(Prepared p) throws IOException {
    Path parent = p.target().getParent();
    if (Files.exists(p.target(), NOFOLLOW)) {
      Path aside = parent.resolve("." + p.target().getFileName() + ".pacha-old-" + run);
      try {
        Files.move(p.target(), aside, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new IOException(
            "cannot move " + p.target() + " aside (" + e.getMessage() + "; is it a mount point?)",
            e);
      }
      Files.move(p.built(), p.target(), StandardCopyOption.ATOMIC_MOVE);
      Trees.syncDir(parent);
      Path backup = HostPaths.onDisk(backups, p.root());
      Trees.move(aside, backup);
      backedUp.add(new RebuildReport.BackedUp(p.root(), backup.toString()));
    } else {
      Files.move(p.built(), p.target(), StandardCopyOption.ATOMIC_MOVE);
      Trees.syncDir(parent);
    }
  }

  /** Removes a built tree that will not be swapped in (the rebuild failed before that). */
  static void discard(Prepared p) {
    try {
      Trees.delete(p.built());
    } catch (IOException e) {
      // Left beside the target under a .pacha-new- name; never mistaken for data.
    }
  }
}
