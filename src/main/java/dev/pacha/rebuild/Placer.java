package dev.pacha.rebuild;

import dev.pacha.PachaException;
import dev.pacha.config.MissingOwner;
import dev.pacha.track.Entry;
import dev.pacha.track.HostPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Puts tracked roots back. Each root is first built complete beside its target (same file system),
 * in a hidden directory only its owner can enter: directories and symlinks first ({@link
 * #skeleton}), then the file contents straight from the master ({@link #write}), then owners, modes
 * and times ({@link #restore}); then all new trees are synced in one go; then each target is
 * swapped in by rename, and whatever stood there goes to the backups dir.
 */
final class Placer {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final FileAttribute<?> PRIVATE_DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<?> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Path targetRoot;
  private final Path backups;
  private final String run;
  private final MissingOwner missingOwner;
  private final Owners owners = new Owners();
  private final FileTime now = FileTime.from(Instant.now());

  /** Where each content goes first; the other files that hold it are copied from there. */
  private final Map<String, Path> firstBySha = new HashMap<>();

  private final List<Map.Entry<Path, String>> duplicates = new ArrayList<>();
  final List<RebuildReport.BackedUp> backedUp = new ArrayList<>();
  final List<RebuildReport.Skipped> skipped = new ArrayList<>();

  /**
   * A root being built beside its target.
   *
   * @param createdOwner owner name every new entry in {@code built} gets (a chown to it is skipped)
   */
  record Prepared(
      String root,
      Path target,
      Path built,
      List<Entry> entries,
      long files,
      long bytes,
      String createdOwner,
      String createdGroup,
      int createdUid,
      int createdGid,
      Path firstCreatedParent,
      Path existingAncestor,
      FileTime ancestorMtime) {}

  Placer(Path targetRoot, Path backups, String run, MissingOwner missingOwner) {
    this.targetRoot = targetRoot;
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

  /**
   * Starts building one root beside its target: a private (0700) hidden directory with the root's
   * directories (0700 too, until {@link #restore}) and symlinks. Files are written by {@link
   * #write}, so each content goes to disk once, where it will stay.
   */
  Prepared skeleton(String root, List<Entry> entries) throws IOException {
    Path target = target(root);
    Path parent = target.getParent();
    // What this run changes outside the built tree, so a rebuild that fails leaves it as it was:
    // parents it creates, and the mtime of the directory it creates them (or the tree) in.
    Path ancestor = parent;
    Path firstCreated = null;
    while (!Files.isDirectory(ancestor, NOFOLLOW)) {
      firstCreated = ancestor;
      ancestor = ancestor.getParent();
    }
    FileTime ancestorMtime = Files.getLastModifiedTime(ancestor, NOFOLLOW);
    Files.createDirectories(parent);
    Path built = parent.resolve("." + target.getFileName() + ".pacha-new-" + run);
    Trees.delete(built);
    long files = 0;
    long bytes = 0;
    Path probe = built;
    for (Entry e : entries) {
      Path p = at(built, root, e.path());
      switch (e.type()) {
        case Entry.DIR -> Files.createDirectory(p, PRIVATE_DIR);
        case Entry.SYMLINK -> Files.createSymbolicLink(p, Path.of(e.target()));
        default -> {
          if (firstBySha.putIfAbsent(e.sha256(), p) != null) {
            duplicates.add(Map.entry(p, e.sha256()));
          }
          files++;
          bytes += e.size();
        }
      }
    }
    if (!Files.exists(built, NOFOLLOW)) {
      // A single-file root: learn what a new file gets from a probe beside it.
      probe = parent.resolve("." + target.getFileName() + ".pacha-probe-" + run);
      Files.createDirectory(probe, PRIVATE_DIR);
    }
    // Every new entry gets the owner and group the new directory got (its group may come from a
    // setgid parent); a chown to those is skipped.
    Map<String, Object> a = Files.readAttributes(probe, "unix:uid,gid,owner,group", NOFOLLOW);
    if (probe != built) {
      Files.delete(probe);
    }
    return new Prepared(
        root,
        target,
        built,
        entries,
        files,
        bytes,
        ((java.nio.file.attribute.UserPrincipal) a.get("owner")).getName(),
        ((java.nio.file.attribute.GroupPrincipal) a.get("group")).getName(),
        (Integer) a.get("uid"),
        (Integer) a.get("gid"),
        firstCreated,
        ancestor,
        ancestorMtime);
  }

  /**
   * Writes one content, as it comes from the master, to the first file that holds it: created new,
   * private, never through a link. Called from several fetch threads at once, each with its own
   * contents.
   *
   * @return the bytes written
   */
  long write(String sha256, InputStream in, Progress progress) throws IOException {
    Path p = firstBySha.get(sha256);
    byte[] buf = new byte[1 << 16];
    long done = 0;
    try (SeekableByteChannel ch =
        Files.newByteChannel(
            p,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW),
            PRIVATE_FILE)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        done += n;
        progress.advanced(done);
      }
    }
    return done;
  }

  /** Told how far a content has been written. */
  interface Progress {
    void advanced(long done);
  }

  /** Copies each content that more than one file holds from the first one written. */
  void copyDuplicates() throws IOException {
    for (Map.Entry<Path, String> d : duplicates) {
      Files.copy(firstBySha.get(d.getValue()), d.getKey(), NOFOLLOW);
    }
  }

  private static Path at(Path built, String root, String path) {
    return path.equals(root) ? built : built.resolve(path.substring(root.length() + 1));
  }

  /**
   * Restores owner, group, mode (all 12 bits) and mtime of every entry of a built root, children
   * before parents: setting a child's metadata must not disturb its directory's mtime after that
   * was restored, and a directory's mode may forbid writing into it.
   */
  void restore(Prepared p) throws IOException {
    List<Entry> entries = p.entries();
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      restoreMetadata(at(p.built(), p.root(), e.path()), e, p);
    }
  }

  private void restoreMetadata(Path p, Entry e, Prepared built) throws IOException {
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
      if (p.firstCreatedParent() != null) {
        Trees.delete(p.firstCreatedParent());
      }
      Files.setLastModifiedTime(p.existingAncestor(), p.ancestorMtime());
    } catch (IOException e) {
      // Left beside the target under a .pacha-new- name; never mistaken for data.
    }
  }
}
