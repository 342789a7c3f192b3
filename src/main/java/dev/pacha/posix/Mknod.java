package dev.pacha.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.ptr.LongByReference;

/**
 * mknodat, bound apart from {@link LibC}: glibc exports it only since 2.33 (before, only as
 * __xmknodat), and a direct mapping would fail as a whole for one missing symbol. Rarely called, so
 * an interface mapping, resolved on first use.
 */
final class Mknod {
  private Mknod() {}

  interface C extends Library {
    int mknodat(int dirfd, byte[] path, int mode, long dev) throws LastErrorException;

    int __xmknodat(int ver, int dirfd, byte[] path, int mode, LongByReference dev)
        throws LastErrorException;
  }

  private static final class Holder {
    static final C C = Native.load(Platform.C_LIBRARY_NAME, C.class);
  }

  static void mknodat(int dirfd, byte[] path, int mode, long dev) {
    try {
      Holder.C.mknodat(dirfd, path, mode, dev);
    } catch (UnsatisfiedLinkError e) {
      // glibc < 2.33; _MKNOD_VER is 0 on 64-bit Linux.
      Holder.C.__xmknodat(0, dirfd, path, mode, new LongByReference(dev));
    }
  }
}
