package dev.pacha.posix;

import java.nio.ByteBuffer;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * What lstat (statx) tells of one entry, not following symbolic links.
 *
 * @param type what it is
 * @param mode the 12 permission bits (with setuid, setgid, sticky)
 * @param size in bytes (a symlink: its target's length)
 * @param mtimeSec mtime, seconds since the epoch; {@code mtimeNsec} the nanoseconds
 * @param ctimeSec ctime (inode change), seconds; {@code ctimeNsec} the nanoseconds
 * @param dev the file system's device number (with {@code ino}, a file's identity: hard links)
 * @param rdevMajor for char and block devices, the device's major and minor numbers
 * @param blocks 512-byte blocks allocated (smaller than size/512 for a sparse file)
 */
public record Stat(
    FileType type,
    int mode,
    int uid,
    int gid,
    long size,
    long mtimeSec,
    int mtimeNsec,
    long ctimeSec,
    int ctimeNsec,
    long ino,
    long dev,
    long nlink,
    int rdevMajor,
    int rdevMinor,
    long blocks) {

  public Instant mtime() {
    return Instant.ofEpochSecond(mtimeSec, mtimeNsec);
  }

  public Instant ctime() {
    return Instant.ofEpochSecond(ctimeSec, ctimeNsec);
  }

  public FileTime mtimeAsFileTime() {
    return FileTime.from(mtime());
  }

  /** Bytes allocated on disk. */
  public long allocatedBytes() {
    return blocks * 512;
  }

  /** Whether it may have holes: fewer bytes allocated than its size. */
  public boolean maybeSparse() {
    return type == FileType.FILE && blocks * 512 < size;
  }

  /** "MAJOR:MINOR" for char and block devices (the manifest's {@code rdev}), else null. */
  public String rdevText() {
    return type == FileType.CHAR || type == FileType.BLOCK ? rdevMajor + ":" + rdevMinor : null;
  }

  /** Reads a struct statx (linux/stat.h; the same layout on every architecture). */
  static Stat ofStatx(ByteBuffer b) {
    int rawMode = b.getShort(28) & 0xFFFF;
    FileType type = FileType.ofMode(rawMode);
    return new Stat(
        type == null ? FileType.FILE : type,
        rawMode & 07777,
        b.getInt(20),
        b.getInt(24),
        b.getLong(40),
        b.getLong(112),
        b.getInt(120),
        b.getLong(96),
        b.getInt(104),
        b.getLong(32),
        makedev(b.getInt(136), b.getInt(140)),
        b.getInt(16) & 0xFFFFFFFFL,
        b.getInt(128),
        b.getInt(132),
        b.getLong(48));
  }

  /** glibc's makedev, so dev compares with what java.nio's "unix:dev" gives. */
  static long makedev(int major, int minor) {
    long ma = major & 0xFFFFFFFFL;
    long mi = minor & 0xFFFFFFFFL;
    return ((ma & 0xFFFFF000L) << 32)
        | ((ma & 0xFFFL) << 8)
        | ((mi & 0xFFFFFF00L) << 12)
        | (mi & 0xFFL);
  }
}
