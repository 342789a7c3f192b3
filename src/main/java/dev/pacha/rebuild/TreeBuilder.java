package dev.pacha.rebuild;

import dev.pacha.track.Entry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds each tracked root complete beside its target (same file system): directories and symlinks
 * first ({@link #start}), then each content straight from the master into the first file that holds
 * it ({@link #write}), then the other files that hold it ({@link #copyDuplicates}). Owners, modes
 * and times come later ({@link Placer}).
 */
final class TreeBuilder {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final FileAttribute<?> PRIVATE_DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<?> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Path targetRoot;
  private final String run;

  /** Where each content goes first; the other files that hold it are copied from there. */
  private final Map<String, Path> firstBySha = new HashMap<>();

  private final List<Map.Entry<Path, String>> duplicates = new ArrayList<>();

  TreeBuilder(Path targetRoot, String run) {
    this.targetRoot = targetRoot;
    this.run = run;
  }

  /**
   * Starts building one root beside its target: a private (0700) hidden directory with the root's
   * directories (0700 too, until they are restored) and symlinks. Files are written by {@link
   * #write}, so each content goes to disk once, where it will stay.
   */
  BuiltTree start(String root, List<Entry> entries) throws IOException {
    Path target = Targets.of(targetRoot, root);
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
    return new BuiltTree(
        root,
        target,
        built,
        entries,
        files,
        bytes,
        ((UserPrincipal) a.get("owner")).getName(),
        ((GroupPrincipal) a.get("group")).getName(),
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

  /** Where an entry of a root lies in its built tree. */
  static Path at(Path built, String root, String path) {
    return path.equals(root) ? built : built.resolve(path.substring(root.length() + 1));
  }

  /**
   * Removes a built tree that will not be swapped in (the rebuild failed before that), with the
   * parents this run created, and puts back the mtime of the directory they were made in.
   */
  static void discard(BuiltTree t) {
    try {
      Trees.delete(t.built());
      if (t.firstCreatedParent() != null) {
        Trees.delete(t.firstCreatedParent());
      }
      Files.setLastModifiedTime(t.existingAncestor(), t.ancestorMtime());
    } catch (IOException e) {
      // Left beside the target under a .pacha-new- name; never mistaken for data.
    }
  }
}
