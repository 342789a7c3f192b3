package dev.pacha.posix;

/**
 * What every exception of this package tells: the errno and the operation. A failure is thrown as
 * the java.nio.file exception that fits ({@link java.nio.file.NoSuchFileException}, {@link
 * java.nio.file.AccessDeniedException}, {@link java.nio.file.FileAlreadyExistsException}, {@link
 * java.nio.file.DirectoryNotEmptyException}, {@link java.nio.file.NotDirectoryException}), else as
 * a {@link PosixException}; each implements this, so {@link Errno#of(Throwable)} works on any.
 */
public sealed interface PosixFailure
    permits PosixException,
        PosixException.NotFound,
        PosixException.Denied,
        PosixException.Exists,
        PosixException.NotEmpty,
        PosixException.NotDirectory {

  /** The errno; {@link Errno#OTHER} for one this package does not name. */
  Errno errno();

  /** The errno number, also for {@link Errno#OTHER}. */
  int code();

  /** What was being done ("open", "set extended attribute user.x", ...). */
  String operation();

  /** ENOENT. */
  default boolean isNotFound() {
    return errno() == Errno.ENOENT;
  }

  /** EACCES or EPERM: the process may not do this (not root, a mode, a mount option, SELinux). */
  default boolean isDenied() {
    return errno() == Errno.EACCES || errno() == Errno.EPERM;
  }

  /** EOPNOTSUPP/ENOTSUP: the file system cannot hold this (xattrs, ACLs, a rename flag). */
  default boolean isUnsupported() {
    return errno() == Errno.EOPNOTSUPP;
  }

  /** ENOSPC or EDQUOT: the disk (or the quota) is full. */
  default boolean isDiskFull() {
    return errno() == Errno.ENOSPC || errno() == Errno.EDQUOT;
  }

  /** ELOOP: the name is a symbolic link and was not followed. */
  default boolean isSymlink() {
    return errno() == Errno.ELOOP;
  }
}
