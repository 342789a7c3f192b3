package dev.pacha.track;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

  /**
   * What a scan found: entries in tree order, what was left out with the reason, and each file's
   * stamp (for the hash cache).
   */
  public record Result(
      List<Entry> entries, List<String> skipped, Map<String, HashCache.Stamp> stamps) {
    public Result(List<Entry> entries, List<String> skipped) {
      this(entries, skipped, Map.of());
    }
  }

  private final Path targetRoot;
  private final HashCache cache;
  private final boolean hashMisses;
  private final Map<String, HashCache.Stamp> stamps = new java.util.HashMap<>();

  /** A scanner reading recorded paths under {@code targetRoot} ("/" on a real host). */
  public Scanner(Path targetRoot) {
    this(targetRoot, HashCache.empty(), true);
  }

  /**
   * A scanner that takes file hashes from {@code cache} when a file's stamp matches, and hashes the
   * others only when {@code hashMisses} (else their sha256 is left empty for the uploader to
   * compute while it sends them: a first push reads each file once).
   */
  public Scanner(Path targetRoot, HashCache cache, boolean hashMisses) {
    this.targetRoot = targetRoot;
    this.cache = cache;
    this.hashMisses = hashMisses;
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
      walk(disk, entries, skipped);
    }
    entries.sort((a, b) -> HostPaths.TREE_ORDER.compare(a.path(), b.path()));
    return new Result(List.copyOf(entries), List.copyOf(skipped), Map.copyOf(stamps));
  }

  /**
   * Every entry under {@code top}, with one lstat each (Files.walkFileTree makes its own, then
   * readOne a second). Symlinks are recorded, never followed. A directory that cannot be listed is
   * skipped as a whole; one whose listing breaks off keeps what was read, and says so.
   */
  private void walk(Path top, List<Entry> entries, List<String> skipped) {
    java.util.ArrayDeque<Path> pending = new java.util.ArrayDeque<>();
    pending.push(top);
    while (!pending.isEmpty()) {
      Path disk = pending.pop();
      Entry e = add(disk, entries, skipped);
      if (e == null || !e.isDir()) {
        continue;
      }
      try (java.nio.file.DirectoryStream<Path> children = Files.newDirectoryStream(disk)) {
        for (Path child : children) {
          pending.push(child);
        }
      } catch (java.nio.file.DirectoryIteratorException ex) {
        skipped.add(e.path() + ": cannot list its contents: " + reason(ex.getCause()));
      } catch (IOException ex) {
        entries.remove(entries.size() - 1);
        skipped.add(e.path() + ": " + reason(ex));
      }
    }
  }

  private Entry add(Path disk, List<Entry> entries, List<String> skipped) {
    String path = recorded(disk);
    try {
      Entry e = readCached(disk, path);
      entries.add(e);
      return e;
    } catch (UnsupportedTypeException e) {
      skipped.add(path + ": " + e.getMessage() + "; pacha tracks files, directories and symlinks");
    } catch (IOException e) {
      skipped.add(path + ": " + reason(e));
    }
    return null;
  }

  private Entry readCached(Path disk, String path) throws IOException {
    Read r = readOne(disk, path, false);
    Entry e = r.entry();
    if (!e.isFile()) {
      return e;
    }
    stamps.put(path, r.stamp());
    java.util.Optional<String> known = cache.lookup(path, r.stamp());
    if (known.isPresent()) {
      return e.withContent(known.get(), e.size());
    }
    return hashMisses ? e.withContent(sha256(disk), e.size()) : e;
  }

  private static long nanos(java.nio.file.attribute.FileTime t) {
    java.time.Instant i = t.toInstant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** Reads one entry's metadata and, for a file when {@code hash} is set, its sha256. */
  public static Entry read(Path disk, String path, boolean hash) throws IOException {
    return new Scanner(Path.of("/")).readOne(disk, path, hash).entry();
  }

  /** An entry and its stamp, from one stat call. */
  private record Read(Entry entry, HashCache.Stamp stamp) {}

  /** Owner and group names by id: one passwd/group lookup per id, not per file. */
  private final Map<Integer, String> users = new java.util.HashMap<>();

  private final Map<Integer, String> groups = new java.util.HashMap<>();

  private Read readOne(Path disk, String path, boolean hash) throws IOException {
    // One lstat for everything; the names come from a per-id cache.
    Map<String, Object> a =
        Files.readAttributes(
            disk,
            "unix:mode,uid,gid,ino,ctime,size,lastModifiedTime,isSymbolicLink,isDirectory,isRegularFile",
            NOFOLLOW);
    int rawMode = (Integer) a.get("mode");
    int uid = (Integer) a.get("uid");
    int gid = (Integer) a.get("gid");
    String type;
    String target = null;
    String sha = null;
    long size = 0;
    if ((Boolean) a.get("isSymbolicLink")) {
      type = Entry.SYMLINK;
      target = Files.readSymbolicLink(disk).toString();
    } else if ((Boolean) a.get("isDirectory")) {
      type = Entry.DIR;
    } else if ((Boolean) a.get("isRegularFile")) {
      type = Entry.FILE;
      size = (Long) a.get("size");
      if (hash) {
        sha = sha256(disk);
      }
    } else {
      throw new UnsupportedTypeException(kind(rawMode));
    }
    String owner = users.get(uid);
    String group = groups.get(gid);
    if (owner == null || group == null) {
      PosixFileAttributes names = Files.readAttributes(disk, PosixFileAttributes.class, NOFOLLOW);
      owner = names.owner().getName();
      group = names.group().getName();
      users.put(uid, owner);
      groups.put(gid, group);
    }
    java.nio.file.attribute.FileTime mtime =
        (java.nio.file.attribute.FileTime) a.get("lastModifiedTime");
    Entry e =
        new Entry(
            path,
            type,
            Entry.modeString(rawMode & 07777),
            uid,
            gid,
            owner,
            group,
            size,
            Timestamps.format(mtime.toInstant().getEpochSecond(), mtime.toInstant().getNano()),
            sha,
            target);
    HashCache.Stamp stamp =
        new HashCache.Stamp(
            size,
            nanos(mtime),
            nanos((java.nio.file.attribute.FileTime) a.get("ctime")),
            (Long) a.get("ino"));
    return new Read(e, stamp);
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

  /** Why an entry was left out, for the warning and the report: "permission denied, skipped". */
  public static String reason(IOException e) {
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
