package dev.pacha.posix;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An open directory, and every call relative to it (the *at calls). Names are single, byte-exact
 * names ({@link PathBytes}): no '/', never "." or "..", and a symbolic link is never followed
 * (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW), so what is done lands in this directory and nowhere else,
 * whatever happens to its path meanwhile. Open one with {@link Posix#openDir} or {@link
 * Posix#openDirNoSymlinks}, and below it with {@link #openDir(String)}.
 */
public final class Dir extends Handle {
  static final int OPEN_FLAGS =
      LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC | LibC.O_NOCTTY;

  Dir(int fd, String path) {
    super(fd, path);
  }

  private String at(String name) {
    return Sys.join(path, name);
  }

  /** lstat of a name here (statx with AT_SYMLINK_NOFOLLOW). */
  public Stat lstat(String name) throws IOException {
    check();
    byte[] c = Sys.childName(name);
    Sys.Buffers b = Sys.BUFFERS.get();
    try {
      LibC.statx(fd, c, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, b.statxAddress);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "stat", at(name));
    }
    return Stat.ofStatx(b.statxView);
  }

  /** lstat, or empty when nothing has that name. */
  public Optional<Stat> lstatIfExists(String name) throws IOException {
    check();
    byte[] c = Sys.childName(name);
    Sys.Buffers b = Sys.BUFFERS.get();
    try {
      LibC.statx(fd, c, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, b.statxAddress);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == Errno.ENOENT.code()) {
        return Optional.empty();
      }
      throw Sys.fail(e, "stat", at(name));
    }
    return Optional.of(Stat.ofStatx(b.statxView));
  }

  /** The names in it, "." and ".." left out, in the order the file system gives them. */
  public List<String> list() throws IOException {
    List<DirEntry> entries = entries();
    List<String> names = new ArrayList<>(entries.size());
    for (DirEntry e : entries) {
      names.add(e.name());
    }
    return names;
  }

  /** The entries in it with their types where the file system tells them (getdents64). */
  public List<DirEntry> entries() throws IOException {
    check();
    Sys.Buffers b = Sys.BUFFERS.get();
    List<DirEntry> out = new ArrayList<>();
    try {
      LibC.lseek(fd, 0, LibC.SEEK_SET);
      while (true) {
        long n = LibC.getdents64(fd, b.dentsAddress, Sys.Buffers.DENTS);
        if (n <= 0) {
          break;
        }
        ByteBuffer v = b.dentsView;
        v.get(0, b.dentsBytes, 0, (int) n);
        int pos = 0;
        while (pos < n) {
          long ino = v.getLong(pos);
          int reclen = v.getShort(pos + 16) & 0xFFFF;
          int dtype = b.dentsBytes[pos + 18] & 0xFF;
          int nameStart = pos + 19;
          int nameEnd = nameStart;
          while (b.dentsBytes[nameEnd] != 0) {
            nameEnd++;
          }
          int len = nameEnd - nameStart;
          boolean dot =
              (len == 1 && b.dentsBytes[nameStart] == '.')
                  || (len == 2
                      && b.dentsBytes[nameStart] == '.'
                      && b.dentsBytes[nameStart + 1] == '.');
          if (!dot) {
            out.add(
                new DirEntry(
                    PathBytes.decode(b.dentsBytes, nameStart, len),
                    FileType.ofDirentType(dtype),
                    ino));
          }
          pos += reclen;
        }
      }
    } catch (LastErrorException e) {
      throw Sys.fail(e, "list", path);
    }
    return out;
  }

  /**
   * The directory of that name here, opened; a symlink is refused (ELOOP, "is a symbolic link").
   */
  public Dir openDir(String name) throws IOException {
    check();
    byte[] c = Sys.childName(name);
    try {
      return new Dir(LibC.openat(fd, c, OPEN_FLAGS, 0), at(name));
    } catch (LastErrorException e) {
      throw Sys.failOpenDir(e, fd, c, at(name));
    }
  }

  /**
   * The directory at a relative path below this one, opened one name at a time, refusing any
   * symbolic link on the way.
   */
  public Dir walk(String relativePath) throws IOException {
    check();
    Dir current = null;
    try {
      for (String part : relativePath.split("/")) {
        if (part.isEmpty()) {
          continue;
        }
        Dir next = (current == null ? this : current).openDir(part);
        if (current != null) {
          current.close();
        }
        current = next;
      }
    } catch (IOException | RuntimeException e) {
      if (current != null) {
        current.close();
      }
      throw e;
    }
    return current == null ? reopen() : current;
  }

  /** Another handle on this same directory. */
  public Dir reopen() throws IOException {
    check();
    try {
      return new Dir(LibC.openat(fd, DOT, OPEN_FLAGS, 0), path);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "open directory", path);
    }
  }

  private static final byte[] DOT = {'.', 0};

  /**
   * A regular file here, opened for reading. Refuses a symlink (ELOOP) and anything not a regular
   * file ("not a regular file", never blocking on a FIFO that took its place).
   */
  public OpenFile openRead(String name) throws IOException {
    check();
    byte[] c = Sys.childName(name);
    int f;
    try {
      f =
          LibC.openat(
              fd,
              c,
              LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC | LibC.O_NOCTTY | LibC.O_NONBLOCK,
              0);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "open", at(name));
    }
    OpenFile file = new OpenFile(f, at(name), false);
    try {
      Stat s = file.stat();
      if (s.type() != FileType.FILE) {
        throw new PosixException(
            PathBytes.printable(at(name)),
            null,
            "open",
            Errno.EINVAL.code(),
            "cannot open: not a regular file (a " + s.type().manifestName() + ")");
      }
      file.statAtOpen(s);
      return file;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /**
   * A new regular file here (O_CREAT|O_EXCL|O_NOFOLLOW), open for reading and writing, with {@code
   * mode} (less the umask: pass 0600 and chmod when done). An existing name, even a dangling
   * symlink, is refused with FileAlreadyExistsException.
   */
  public OpenFile create(String name, int mode) throws IOException {
    check();
    byte[] c = Sys.childName(name);
    try {
      int f =
          LibC.openat(
              fd,
              c,
              LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC,
              mode & 07777);
      return new OpenFile(f, at(name), true);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "create", at(name));
    }
  }

  public void mkdir(String name, int mode) throws IOException {
    check();
    try {
      LibC.mkdirat(fd, Sys.childName(name), mode & 07777);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "make directory", at(name));
    }
  }

  /** A symbolic link {@code name} here pointing at {@code target} (any bytes, never resolved). */
  public void symlink(String target, String name) throws IOException {
    check();
    try {
      LibC.symlinkat(Sys.cString(target), fd, Sys.childName(name));
    } catch (LastErrorException e) {
      throw Sys.fail(e, "make symbolic link", at(name));
    }
  }

  /** A symbolic link's target, byte-exact. */
  public String readlink(String name) throws IOException {
    check();
    byte[] c = Sys.childName(name);
    int size = 256;
    while (true) {
      byte[] buf = new byte[size];
      long n;
      try {
        n = LibC.readlinkat(fd, c, buf, size);
      } catch (LastErrorException e) {
        throw Sys.fail(e, "read symbolic link", at(name));
      }
      if (n < size) {
        return PathBytes.decode(buf, 0, (int) n);
      }
      size *= 4;
    }
  }

  /** A FIFO (named pipe) here. */
  public void mkfifo(String name, int mode) throws IOException {
    mknod(name, FileType.FIFO, mode, 0, 0);
  }

  /** A FIFO, character or block device here (devices: root only). */
  public void mknod(String name, FileType type, int mode, int major, int minor) throws IOException {
    check();
    if (type != FileType.FIFO && type != FileType.CHAR && type != FileType.BLOCK) {
      throw new IllegalArgumentException("mknod makes FIFOs and devices, not a " + type);
    }
    try {
      Mknod.mknodat(
          fd, Sys.childName(name), type.bits() | (mode & 07777), Stat.makedev(major, minor));
    } catch (LastErrorException e) {
      throw Sys.fail(e, "make " + type.manifestName() + " node", at(name));
    }
  }

  /** A hard link: {@code toName} in {@code toDir} becomes another name of {@code name} here. */
  public void link(String name, Dir toDir, String toName) throws IOException {
    check();
    toDir.check();
    try {
      LibC.linkat(fd, Sys.childName(name), toDir.fd, Sys.childName(toName), 0);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "link", at(name), Sys.join(toDir.path, toName));
    }
  }

  /** renameat2: moves {@code name} here to {@code toName} in {@code toDir}. */
  public void rename(String name, Dir toDir, String toName, RenameMode mode) throws IOException {
    check();
    toDir.check();
    try {
      LibC.renameat2(fd, Sys.childName(name), toDir.fd, Sys.childName(toName), mode.flags);
    } catch (LastErrorException e) {
      String op =
          switch (mode) {
            case REPLACE -> "rename";
            case NOREPLACE -> "rename (never replacing)";
            case EXCHANGE -> "exchange";
          };
      throw Sys.fail(e, op, at(name), Sys.join(toDir.path, toName));
    }
  }

  /** Removes a name that is not a directory. */
  public void unlink(String name) throws IOException {
    check();
    try {
      LibC.unlinkat(fd, Sys.childName(name), 0);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "remove", at(name));
    }
  }

  /** Removes an empty directory. */
  public void rmdir(String name) throws IOException {
    check();
    try {
      LibC.unlinkat(fd, Sys.childName(name), LibC.AT_REMOVEDIR);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "remove directory", at(name));
    }
  }

  /** Owner and group of a name here, a symlink's own (-1 leaves one as it is). */
  public void chown(String name, int uid, int gid) throws IOException {
    check();
    try {
      LibC.fchownat(fd, Sys.childName(name), uid, gid, LibC.AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "change owner to " + uid + ":" + gid, at(name));
    }
  }

  /**
   * The mode of a name here without following it: for FIFOs and devices, which cannot be opened
   * safely. A symlink has no mode of its own (EOPNOTSUPP). Files and directories: open them and use
   * {@link Handle#chmod}.
   */
  public void chmod(String name, int mode) throws IOException {
    check();
    try {
      LibC.fchmodat(fd, Sys.childName(name), mode & 07777, LibC.AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "change mode to " + String.format("%04o", mode & 07777), at(name));
    }
  }

  /**
   * Access and modification times of a name here, to the nanosecond, a symlink's own; null leaves a
   * time as it is.
   */
  public void setTimes(String name, Instant atime, Instant mtime) throws IOException {
    check();
    try {
      LibC.utimensat(fd, Sys.childName(name), Sys.times(atime, mtime), LibC.AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "set times", at(name));
    }
  }

  /**
   * Every extended attribute of a name here (a symlink's own), sorted by name. Without {@link
   * Capability#SYS_ADMIN} the kernel leaves trusted.* out of the list, silently.
   */
  public List<Xattr> xattrs(String name) throws IOException {
    check();
    return XattrCalls.all(XattrCalls.Target.child(fd, name, at(name)));
  }

  public List<String> xattrNames(String name) throws IOException {
    check();
    return XattrCalls.names(XattrCalls.Target.child(fd, name, at(name)));
  }

  public Optional<byte[]> getXattr(String name, String attribute) throws IOException {
    check();
    return XattrCalls.get(XattrCalls.Target.child(fd, name, at(name)), attribute);
  }

  public void setXattr(String name, String attribute, byte[] value) throws IOException {
    check();
    XattrCalls.set(XattrCalls.Target.child(fd, name, at(name)), attribute, value);
  }

  public boolean removeXattr(String name, String attribute) throws IOException {
    check();
    return XattrCalls.remove(XattrCalls.Target.child(fd, name, at(name)), attribute);
  }
}
