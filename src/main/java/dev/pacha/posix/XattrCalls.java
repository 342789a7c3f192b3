package dev.pacha.posix;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The extended-attribute calls, on an open fd (f*xattr) or on a path without following it
 * (l*xattr). A path relative to a directory handle is reached as /proc/self/fd/N/NAME: the kernel's
 * link to the open directory, then the one name, not followed, so there is no lookup of the
 * directory's path that someone could race.
 */
final class XattrCalls {
  private XattrCalls() {}

  private static final int ENODATA = 61;
  private static final int ERANGE = 34;
  private static final int XATTR_MAX = 64 * 1024;

  /** Where the calls go: an fd, or a NUL-terminated path (fd is then ignored). */
  record Target(int fd, byte[] path, String shown) {
    static Target fd(int fd, String shown) {
      return new Target(fd, null, shown);
    }

    static Target path(byte[] path, String shown) {
      return new Target(-1, path, shown);
    }

    static Target child(int dirfd, String name, String shown) {
      Sys.childName(name);
      return new Target(-1, Sys.cString("/proc/self/fd/" + dirfd + "/" + name), shown);
    }
  }

  static List<String> names(Target t) throws IOException {
    Sys.Buffers buf = Sys.BUFFERS.get();
    long n;
    while (true) {
      try {
        n = list(t, buf.xattrAddress, buf.xattrSize);
        break;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ERANGE) {
          throw Sys.fail(e, "list extended attributes", t.shown);
        }
        grow(buf, t, null);
      }
    }
    List<String> names = new ArrayList<>();
    if (n == 0) {
      return names;
    }
    byte[] list = buf.xattr.getByteArray(0, (int) n);
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (list[i] == 0) {
        if (i > start) {
          names.add(PathBytes.decode(list, start, i - start));
        }
        start = i + 1;
      }
    }
    return names;
  }

  static Optional<byte[]> get(Target t, String name) throws IOException {
    byte[] cname = Sys.cString(name);
    Sys.Buffers buf = Sys.BUFFERS.get();
    while (true) {
      try {
        long n = get(t, cname, buf.xattrAddress, buf.xattrSize);
        return Optional.of(n == 0 ? new byte[0] : buf.xattr.getByteArray(0, (int) n));
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ENODATA) {
          return Optional.empty();
        }
        if (e.getErrorCode() != ERANGE) {
          throw Sys.fail(e, "read extended attribute " + name, t.shown);
        }
        grow(buf, t, cname);
      }
    }
  }

  /** Every attribute with its value, sorted by name bytes (the manifest's order). */
  static List<Xattr> all(Target t) throws IOException {
    List<String> names = names(t);
    if (names.isEmpty()) {
      return List.of();
    }
    names.sort(PathBytes.TREE_ORDER);
    List<Xattr> out = new ArrayList<>(names.size());
    for (String name : names) {
      Optional<byte[]> v = get(t, name);
      v.ifPresent(value -> out.add(new Xattr(name, value)));
    }
    return out;
  }

  static void set(Target t, String name, byte[] value) throws IOException {
    byte[] cname = Sys.cString(name);
    try {
      if (t.path == null) {
        LibC.fsetxattr(t.fd, cname, value, value.length, 0);
      } else {
        LibC.lsetxattr(t.path, cname, value, value.length, 0);
      }
    } catch (LastErrorException e) {
      throw Sys.fail(e, "set extended attribute " + name, t.shown);
    }
  }

  static boolean remove(Target t, String name) throws IOException {
    byte[] cname = Sys.cString(name);
    try {
      if (t.path == null) {
        LibC.fremovexattr(t.fd, cname);
      } else {
        LibC.lremovexattr(t.path, cname);
      }
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ENODATA) {
        return false;
      }
      throw Sys.fail(e, "remove extended attribute " + name, t.shown);
    }
  }

  private static long list(Target t, long b, long size) {
    return t.path == null ? LibC.flistxattr(t.fd, b, size) : LibC.llistxattr(t.path, b, size);
  }

  private static long get(Target t, byte[] name, long b, long size) {
    return t.path == null
        ? LibC.fgetxattr(t.fd, name, b, size)
        : LibC.lgetxattr(t.path, name, b, size);
  }

  /** The buffer made big enough for what the kernel says it needs now (it may change: loop). */
  private static void grow(Sys.Buffers buf, Target t, byte[] cname) throws IOException {
    long need;
    try {
      need = cname == null ? list(t, 0, 0) : get(t, cname, 0, 0);
    } catch (LastErrorException e) {
      throw Sys.fail(e, "read extended attributes", t.shown);
    }
    buf.growXattr((int) Math.min(Math.max(need, buf.xattrSize * 2L), XATTR_MAX * 4L));
  }
}
