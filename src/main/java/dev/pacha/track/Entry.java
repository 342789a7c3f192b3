package dev.pacha.track;

import java.nio.file.attribute.FileTime;

/**
 * One tracked entry as recorded in a snapshot: what it is, who owns it, its full mode and its
 * content hash. Owner and group are kept by name (what a rebuilt host resolves) and by number (the
 * fallback when the name does not exist there).
 *
 * @param path absolute path on the host, normalized
 * @param type {@link #FILE}, {@link #DIR} or {@link #SYMLINK}
 * @param mode the 12 permission bits (incl. setuid, setgid, sticky) as 4 octal digits
 * @param uid numeric owner
 * @param gid numeric group
 * @param owner owner name
 * @param group group name
 * @param size bytes (files only, else 0)
 * @param mtime modification time, ISO-8601 with nanoseconds
 * @param sha256 content hash (files only)
 * @param target link target (symlinks only), never followed
 */
public record Entry(
    String path,
    String type,
    String mode,
    int uid,
    int gid,
    String owner,
    String group,
    long size,
    String mtime,
    String sha256,
    String target) {

  /**
   * Type, mode, owner and group take a handful of values across a whole tree: one shared copy of
   * each keeps a 100,000-entry manifest about 19 MB smaller in memory (four strings an entry),
   * which is what keeps a rebuild or push of that size out of back-to-back full GCs within the
   * launcher's heap.
   */
  public Entry {
    type = shared(type);
    mode = shared(mode);
    owner = shared(owner);
    group = shared(group);
  }

  private static String shared(String s) {
    return s == null ? null : s.intern();
  }

  public static final String FILE = "file";
  public static final String DIR = "dir";
  public static final String SYMLINK = "symlink";

  public boolean isFile() {
    return FILE.equals(type);
  }

  public boolean isDir() {
    return DIR.equals(type);
  }

  public boolean isSymlink() {
    return SYMLINK.equals(type);
  }

  /** The mode as an int (0 to 07777). */
  public int modeBits() {
    return Integer.parseInt(mode, 8);
  }

  public FileTime mtimeAsFileTime() {
    return FileTime.from(Timestamps.parse(mtime));
  }

  public Entry withContent(String newSha, long newSize) {
    return new Entry(path, type, mode, uid, gid, owner, group, newSize, mtime, newSha, target);
  }

  /** Formats mode bits as the 4 octal digits used in manifests. */
  public static String modeString(int bits) {
    int b = bits & 07777;
    return new String(
        new char[] {
          (char) ('0' + (b >> 9)),
          (char) ('0' + (b >> 6 & 7)),
          (char) ('0' + (b >> 3 & 7)),
          (char) ('0' + (b & 7))
        });
  }
}
