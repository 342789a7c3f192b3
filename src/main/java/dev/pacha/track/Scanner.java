package dev.pacha.track;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads tracked paths from disk: every entry's type, owner, group, full mode, size, mtime and (for
 * files) sha256. Symlinks are recorded, never followed; an entry that cannot be read is reported
 * and left out, and the scan goes on.
 */
public final class Scanner {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /** What a scan found: entries in tree order, and what was left out with the reason. */
  public record Result(List<Entry> entries, List<String> skipped) {}

  private final Path targetRoot;

  /** A scanner reading recorded paths under {@code targetRoot} ("/" on a real host). */
  public Scanner(Path targetRoot) {
    this.targetRoot = targetRoot;
  }

  public Result scan(List<String> roots) {
    List<Entry> entries = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (String root : roots) {
      Path disk = HostPaths.onDisk(targetRoot, root);
      if (!Files.exists(disk, NOFOLLOW)) {
        skipped.add(root + ": does not exist (any more); it stays tracked");
        continue;
      }
      try {
        Files.walkFileTree(
            disk,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                add(dir, entries, skipped);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                add(file, entries, skipped);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                skipped.add(recorded(file) + ": " + reason(e));
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null) {
                  skipped.add(recorded(dir) + ": cannot list its contents: " + reason(e));
                }
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        skipped.add(root + ": " + reason(e));
      }
    }
    entries.sort((a, b) -> HostPaths.TREE_ORDER.compare(a.path(), b.path()));
    return new Result(List.copyOf(entries), List.copyOf(skipped));
  }

  private void add(Path disk, List<Entry> entries, List<String> skipped) {
    String path = recorded(disk);
    try {
      entries.add(read(disk, path, true));
    } catch (UnsupportedTypeException e) {
      skipped.add(path + ": " + e.getMessage() + "; pacha tracks files, directories and symlinks");
    } catch (IOException e) {
      skipped.add(path + ": " + reason(e));
    }
  }

  /** Reads one entry's metadata and, for a file when {@code hash} is set, its sha256. */
  public static Entry read(Path disk, String path, boolean hash) throws IOException {
    PosixFileAttributes attrs = Files.readAttributes(disk, PosixFileAttributes.class, NOFOLLOW);
    Map<String, Object> unix = Files.readAttributes(disk, "unix:mode,uid,gid", NOFOLLOW);
    int mode = (Integer) unix.get("mode") & 07777;
    String type;
    String target = null;
    String sha = null;
    long size = 0;
    if (attrs.isSymbolicLink()) {
      type = Entry.SYMLINK;
      target = Files.readSymbolicLink(disk).toString();
    } else if (attrs.isDirectory()) {
      type = Entry.DIR;
    } else if (attrs.isRegularFile()) {
      type = Entry.FILE;
      size = attrs.size();
      if (hash) {
        sha = sha256(disk);
      }
    } else {
      throw new UnsupportedTypeException(
          attrs.isOther() ? kind((Integer) unix.get("mode")) : "an unknown type");
    }
    return new Entry(
        path,
        type,
        Entry.modeString(mode),
        (Integer) unix.get("uid"),
        (Integer) unix.get("gid"),
        attrs.owner().getName(),
        attrs.group().getName(),
        size,
        attrs.lastModifiedTime().toInstant().toString(),
        sha,
        target);
  }

  /** The sha256 of a file's content, as lowercase hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no SHA-256", e);
    }
  }

  private String recorded(Path disk) {
    return HostPaths.recorded(targetRoot, disk);
  }

  private static String kind(int mode) {
    return switch (mode & 0170000) {
      case 0010000 -> "a named pipe (fifo)";
      case 0140000 -> "a socket";
      case 0020000 -> "a character device";
      case 0060000 -> "a block device";
      default -> "an unknown type";
    };
  }

  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied, skipped";
    }
    if (e instanceof NoSuchFileException) {
      return "vanished while reading, skipped";
    }
    return "cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "), skipped";
  }

  /** An entry that is neither file, directory nor symlink. */
  static final class UnsupportedTypeException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsupportedTypeException(String what) {
      super("is " + what);
    }
  }
}
