package dev.pacha.posix;

/**
 * The errno values pacha tells apart, with the text an operator reads. The numbers are Linux's on
 * x86-64, arm64 and the other architectures that use the generic table.
 */
public enum Errno {
  EPERM(1, "operation not permitted"),
  ENOENT(2, "no such file or directory"),
  EINTR(4, "interrupted"),
  EIO(5, "input/output error"),
  ENXIO(6, "no such device or address"),
  E2BIG(7, "value too large for the file system"),
  EBADF(9, "bad file descriptor"),
  EAGAIN(11, "resource temporarily unavailable"),
  ENOMEM(12, "out of memory"),
  EACCES(13, "permission denied"),
  EBUSY(16, "device or resource busy"),
  EEXIST(17, "already exists"),
  EXDEV(18, "crosses file systems (rename and link work only within one)"),
  ENODEV(19, "no such device"),
  ENOTDIR(20, "not a directory"),
  EISDIR(21, "is a directory"),
  EINVAL(22, "invalid argument"),
  ENFILE(23, "too many open files in the system"),
  EMFILE(24, "too many open files"),
  ETXTBSY(26, "text file busy"),
  EFBIG(27, "file too large"),
  ENOSPC(28, "no space left on device"),
  EROFS(30, "read-only file system"),
  EMLINK(31, "too many links"),
  ERANGE(34, "value too large"),
  ENAMETOOLONG(36, "name too long"),
  ENOSYS(38, "not supported by this kernel"),
  ENOTEMPTY(39, "directory not empty"),
  ELOOP(40, "is a symbolic link (not followed)"),
  ENODATA(61, "no such attribute"),
  EOPNOTSUPP(95, "not supported by the file system"),
  EDQUOT(122, "disk quota exceeded"),
  /** Any other errno: the exception's {@code code()} has the number. */
  OTHER(-1, "error");

  private final int code;
  private final String text;

  Errno(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /** The errno number (-1 for {@link #OTHER}). */
  public int code() {
    return code;
  }

  /** What it means, in lower case, for the end of a sentence. */
  public String text() {
    return text;
  }

  private static final Errno[] BY_CODE = new Errno[128];

  static {
    for (Errno e : values()) {
      if (e.code > 0) {
        BY_CODE[e.code] = e;
      }
    }
  }

  /** The constant for an errno number; ENOTSUP is EOPNOTSUPP on Linux. */
  public static Errno of(int code) {
    Errno e = code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    return e == null ? OTHER : e;
  }

  /**
   * The errno behind an exception this package threw, or null when it did not come from a system
   * call (callers that catch IOException ask this).
   */
  public static Errno of(Throwable t) {
    return t instanceof PosixFailure f ? f.errno() : null;
  }
}
