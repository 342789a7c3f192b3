package dev.pacha.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** What the handles share: names to C strings, errors to exceptions, per-thread buffers. */
final class Sys {
  private Sys() {}

  /** Per thread, so calls need no allocation: a statx struct, a getdents and an xattr buffer. */
  static final class Buffers {
    final Memory statx = new Memory(LibC.STATX_SIZE_BYTES);
    final long statxAddress = Pointer.nativeValue(statx);
    final ByteBuffer statxView =
        statx.getByteBuffer(0, LibC.STATX_SIZE_BYTES).order(ByteOrder.nativeOrder());
    static final int DENTS = 64 * 1024;
    final Memory dents = new Memory(DENTS);
    final long dentsAddress = Pointer.nativeValue(dents);
    final ByteBuffer dentsView = dents.getByteBuffer(0, DENTS).order(ByteOrder.nativeOrder());
    final byte[] dentsBytes = new byte[DENTS];
    // xattr names and values come back in native memory: a byte[] would be copied in and out
    // whole on every call
    Memory xattr = new Memory(4096);
    long xattrAddress = Pointer.nativeValue(xattr);
    int xattrSize = 4096;

    void growXattr(int size) {
      xattr = new Memory(size);
      xattrAddress = Pointer.nativeValue(xattr);
      xattrSize = size;
    }

    ByteBuffer io;
    private ByteBuffer lastBuffer;
    private long lastAddress;

    /** A direct buffer's base address; the last one is remembered (callers reuse one buffer). */
    long address(ByteBuffer direct) {
      if (direct != lastBuffer) {
        lastAddress = Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(direct));
        lastBuffer = direct;
      }
      return lastAddress;
    }
  }

  static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  /** A NUL-terminated C string of a byte-exact name or path. */
  static byte[] cString(String s) {
    byte[] b = PathBytes.encode(s);
    for (byte x : b) {
      if (x == 0) {
        throw new IllegalArgumentException("a name cannot hold NUL: " + PathBytes.printable(s));
      }
    }
    return Arrays.copyOf(b, b.length + 1);
  }

  /**
   * A single name in a directory: not empty, no '/', not "." or ".." (which would leave the
   * directory the handle holds).
   */
  static byte[] childName(String name) {
    if (name.isEmpty() || name.indexOf('/') >= 0 || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(
          "not a single name in a directory: \"" + PathBytes.printable(name) + "\"");
    }
    return cString(name);
  }

  static IOException fail(LastErrorException e, String operation, String file) {
    return PosixException.of(operation, e.getErrorCode(), file, null);
  }

  static IOException fail(LastErrorException e, String operation, String file, String other) {
    return PosixException.of(operation, e.getErrorCode(), file, other);
  }

  /**
   * A failed open of a directory. O_DIRECTORY|O_NOFOLLOW on a symlink gives ENOTDIR; it is told as
   * what it is, a symbolic link that was not followed (ELOOP).
   */
  static IOException failOpenDir(LastErrorException e, int dirfd, byte[] name, String shown) {
    int code = e.getErrorCode();
    if (code == Errno.ENOTDIR.code()) {
      Buffers b = BUFFERS.get();
      try {
        LibC.statx(dirfd, name, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, b.statxAddress);
        if (Stat.ofStatx(b.statxView).type() == FileType.SYMLINK) {
          code = Errno.ELOOP.code();
        }
      } catch (LastErrorException ignored) {
        // gone meanwhile: ENOTDIR stands
      }
    }
    return PosixException.of("open directory", code, shown, null);
  }

  /** "dir/name", for messages and for the handles' own paths. */
  static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /** The two struct timespec of utimensat/futimens; null leaves a time as it is. */
  static long[] times(java.time.Instant atime, java.time.Instant mtime) {
    return new long[] {
      atime == null ? 0 : atime.getEpochSecond(),
      atime == null ? LibC.UTIME_OMIT : atime.getNano(),
      mtime == null ? 0 : mtime.getEpochSecond(),
      mtime == null ? LibC.UTIME_OMIT : mtime.getNano()
    };
  }
}
