package dev.pacha.posix;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An open file descriptor: a directory ({@link Dir}) or a file ({@link OpenFile}). What is done
 * through it reaches the inode it was opened on, whatever has since been renamed or replaced. Not
 * for use by several threads while one closes it: a closed fd number is soon another file's.
 */
public abstract sealed class Handle implements AutoCloseable permits Dir, OpenFile {
  final int fd;
  final String path;
  private volatile boolean closed;

  Handle(int fd, String path) {
    this.fd = fd;
    this.path = path;
  }

  /** The path it was opened by (byte-exact), for messages; it may have moved since. */
  public String path() {
    return path;
  }

  /** The descriptor number, for /proc/self/fd/N and for passing to a child process. */
  public int fd() {
    check();
    return fd;
  }

  final void check() {
    if (closed) {
      throw new IllegalStateException("closed: " + PathBytes.printable(path));
    }
  }

  /** fstat: what it is now. */
  public Stat stat() throws IOException {
    check();
    Sys.Buffers b = Sys.BUFFERS.get();
    try {
      LibC.statx(fd, EMPTY, LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, b.statxAddress);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "stat", path);
    }
    return Stat.ofStatx(b.statxView);
  }

  static final byte[] EMPTY = {0};

  /** fchown: owner and group (-1 leaves one as it is). Clears setuid/setgid and capabilities. */
  public void chown(int uid, int gid) throws IOException {
    check();
    try {
      LibC.fchown(fd, uid, gid);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "change owner to " + uid + ":" + gid, path);
    }
  }

  /** fchmod: the 12 permission bits. */
  public void chmod(int mode) throws IOException {
    check();
    try {
      LibC.fchmod(fd, mode & 07777);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "change mode to " + String.format("%04o", mode & 07777), path);
    }
  }

  /** futimens, to the nanosecond; null leaves a time as it is. */
  public void setTimes(Instant atime, Instant mtime) throws IOException {
    check();
    try {
      LibC.futimens(fd, Sys.times(atime, mtime));
    } catch (LastErrorException e) {
      throw Sys.fail(e, "set times", path);
    }
  }

  /**
   * Every extended attribute (all namespaces this process may read), sorted by name. Without {@link
   * Capability#SYS_ADMIN} the kernel leaves trusted.* out of the list, silently.
   */
  public List<Xattr> xattrs() throws IOException {
    check();
    return XattrCalls.all(XattrCalls.Target.fd(fd, path));
  }

  public List<String> xattrNames() throws IOException {
    check();
    return XattrCalls.names(XattrCalls.Target.fd(fd, path));
  }

  /** One attribute's value; empty when it has none of that name. */
  public Optional<byte[]> getXattr(String name) throws IOException {
    check();
    return XattrCalls.get(XattrCalls.Target.fd(fd, path), name);
  }

  /** Sets (creates or replaces) an attribute. */
  public void setXattr(String name, byte[] value) throws IOException {
    check();
    XattrCalls.set(XattrCalls.Target.fd(fd, path), name, value);
  }

  /** Removes an attribute; false when there was none. */
  public boolean removeXattr(String name) throws IOException {
    check();
    return XattrCalls.remove(XattrCalls.Target.fd(fd, path), name);
  }

  /** fsync: its data and metadata are on disk (a directory: its entries). */
  public void fsync() throws IOException {
    check();
    try {
      LibC.fsync(fd);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "sync", path);
    }
  }

  /**
   * syncfs: everything written to this file system is on disk. One call after writing a batch of
   * files costs about what one fsync does, not one per file.
   */
  public void syncfs() throws IOException {
    check();
    try {
      LibC.syncfs(fd);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "sync the file system of", path);
    }
  }

  /** statvfs of the file system it is on: free space and inodes. */
  public FsSpace space() throws IOException {
    check();
    long[] b = new long[16];
    try {
      LibC.fstatvfs(fd, b);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "read free space of", path);
    }
    // struct statvfs on LP64: bsize, frsize, blocks, bfree, bavail, files, ffree, favail, fsid,
    // flag, namemax; sizes count in frsize units.
    long frsize = b[1] != 0 ? b[1] : b[0];
    boolean ro = (b[9] & 1) != 0;
    return new FsSpace(frsize, b[2] * frsize, b[3] * frsize, b[4] * frsize, b[5], b[6], ro);
  }

  /** Closes the descriptor; a second close does nothing. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      // The fd is released whatever close says (Linux); an error is a late write error.
      throw Sys.fail(e, "close", path);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + PathBytes.printable(path) + ", fd " + fd + ")";
  }
}
