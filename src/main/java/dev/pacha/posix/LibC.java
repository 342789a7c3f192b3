package dev.pacha.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;

/**
 * The C library's calls, bound by JNA's direct mapping (registered by {@link NativeLoader}; about a
 * tenth of the cost of an interface proxy per call). Names and xattr names go in as NUL-terminated
 * byte arrays, buffers as raw addresses ({@code long}: pointers are 64 bits on every platform pacha
 * supports). Each throws {@link LastErrorException} with errno on failure.
 */
final class LibC {
  private LibC() {}

  // open(2) flags: O_DIRECTORY and O_NOFOLLOW differ on ARM; the rest are common.
  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;
  static final int O_RDWR = 2;
  static final int O_CREAT = 0100;
  static final int O_EXCL = 0200;
  static final int O_NOCTTY = 0400;
  static final int O_NONBLOCK = 04000;
  static final int O_CLOEXEC = 02000000;
  static final int O_DIRECTORY = Platform.isARM() ? 040000 : 0200000;
  static final int O_NOFOLLOW = Platform.isARM() ? 0100000 : 0400000;

  static final int AT_FDCWD = -100;
  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  static final int AT_REMOVEDIR = 0x200;
  static final int AT_EMPTY_PATH = 0x1000;

  static final int STATX_BASIC_STATS = 0x7ff;
  static final int STATX_SIZE_BYTES = 256;

  static final int SEEK_SET = 0;
  static final int SEEK_DATA = 3;
  static final int SEEK_HOLE = 4;

  static final long UTIME_OMIT = (1L << 30) - 2;

  static final int F_GETFL = 3;
  static final int F_SETFL = 4;

  static native int open(byte[] path, int flags, int mode) throws LastErrorException;

  static native int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

  static native int statx(int dirfd, byte[] path, int flags, int mask, long buf)
      throws LastErrorException;

  static native long getdents64(int fd, long buf, long count) throws LastErrorException;

  static native long read(int fd, long buf, long count) throws LastErrorException;

  static native long pread(int fd, long buf, long count, long offset) throws LastErrorException;

  static native long write(int fd, long buf, long count) throws LastErrorException;

  static native long pwrite(int fd, long buf, long count, long offset) throws LastErrorException;

  static native long copy_file_range(
      int fdIn, long[] offIn, int fdOut, long[] offOut, long len, int flags)
      throws LastErrorException;

  static native long lseek(int fd, long offset, int whence) throws LastErrorException;

  static native int ftruncate(int fd, long length) throws LastErrorException;

  static native int fsync(int fd) throws LastErrorException;

  static native int fdatasync(int fd) throws LastErrorException;

  static native int syncfs(int fd) throws LastErrorException;

  static native int fstatvfs(int fd, long[] buf) throws LastErrorException;

  static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

  static native int symlinkat(byte[] target, int dirfd, byte[] path) throws LastErrorException;

  static native long readlinkat(int dirfd, byte[] path, byte[] buf, long size)
      throws LastErrorException;

  static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
      throws LastErrorException;

  static native int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
      throws LastErrorException;

  static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

  static native int fchownat(int dirfd, byte[] path, int uid, int gid, int flags)
      throws LastErrorException;

  static native int fchown(int fd, int uid, int gid) throws LastErrorException;

  static native int fchmod(int fd, int mode) throws LastErrorException;

  static native int fchmodat(int dirfd, byte[] path, int mode, int flags) throws LastErrorException;

  static native int utimensat(int dirfd, byte[] path, long[] times, int flags)
      throws LastErrorException;

  static native int futimens(int fd, long[] times) throws LastErrorException;

  static native long llistxattr(byte[] path, long list, long size) throws LastErrorException;

  static native long lgetxattr(byte[] path, byte[] name, long value, long size)
      throws LastErrorException;

  static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags)
      throws LastErrorException;

  static native int lremovexattr(byte[] path, byte[] name) throws LastErrorException;

  static native long flistxattr(int fd, long list, long size) throws LastErrorException;

  static native long fgetxattr(int fd, byte[] name, long value, long size)
      throws LastErrorException;

  static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags)
      throws LastErrorException;

  static native int fremovexattr(int fd, byte[] name) throws LastErrorException;
}
