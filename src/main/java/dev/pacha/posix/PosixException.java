package dev.pacha.posix;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A system call failed: which file, what was being done, the errno and its text. Its message is one
 * line, e.g. {@code /srv/app/cache.db: cannot write: no space left on device (ENOSPC)}.
 *
 * <p>Missing files, refusals, existing names, non-empty and non-directories are thrown as the
 * matching java.nio.file exception (nested here); everything else as this class. All of them are
 * {@link PosixFailure}s.
 */
public final class PosixException extends FileSystemException implements PosixFailure {
  private static final long serialVersionUID = 1L;

  private final Errno errno;
  private final int code;
  private final String operation;

  PosixException(String file, String other, String operation, int code, String reason) {
    super(file, other, reason);
    this.errno = Errno.of(code);
    this.code = code;
    this.operation = operation;
  }

  @Override
  public Errno errno() {
    return errno;
  }

  @Override
  public int code() {
    return code;
  }

  @Override
  public String operation() {
    return operation;
  }

  /**
   * The exception for a failed call on {@code file} (and {@code other}, for rename and link; may be
   * null). Names are shown with {@link PathBytes#printable}.
   */
  static IOException of(String operation, int code, String file, String other) {
    Errno errno = Errno.of(code);
    String text = text(operation, errno, code);
    String reason = "cannot " + operation + ": " + text;
    String f = file == null ? null : PathBytes.printable(file);
    String o = other == null ? null : PathBytes.printable(other);
    return switch (errno) {
      case ENOENT -> new NotFound(f, o, operation, code, reason);
      case EACCES, EPERM -> new Denied(f, o, operation, code, reason);
      case EEXIST -> new Exists(f, o, operation, code, reason);
      case ENOTEMPTY -> new NotEmpty(f, operation, code, reason);
      case ENOTDIR -> new NotDirectory(f, operation, code, reason);
      default -> new PosixException(f, o, operation, code, reason);
    };
  }

  private static String text(String operation, Errno errno, int code) {
    String name = errno == Errno.OTHER ? "errno " + code : errno.name();
    String text = errno.text();
    if (errno == Errno.EOPNOTSUPP && operation.contains("extended attribute")) {
      text =
          operation.contains("system.posix_acl")
              ? "the file system does not support POSIX ACLs (mounted without acl?)"
              : "the file system does not support extended attributes";
    } else if (errno == Errno.ENODATA && operation.contains("extended attribute")) {
      text = "no such extended attribute";
    } else if (errno == Errno.OTHER) {
      text = "system error";
    }
    return text + " (" + name + ")";
  }

  /** ENOENT. */
  public static final class NotFound extends NoSuchFileException implements PosixFailure {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int code;

    NotFound(String file, String other, String operation, int code, String reason) {
      super(file, other, reason);
      this.operation = operation;
      this.code = code;
    }

    @Override
    public Errno errno() {
      return Errno.of(code);
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public String operation() {
      return operation;
    }
  }

  /** EACCES or EPERM. */
  public static final class Denied extends AccessDeniedException implements PosixFailure {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int code;

    Denied(String file, String other, String operation, int code, String reason) {
      super(file, other, reason);
      this.operation = operation;
      this.code = code;
    }

    @Override
    public Errno errno() {
      return Errno.of(code);
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public String operation() {
      return operation;
    }
  }

  /** EEXIST. */
  public static final class Exists extends FileAlreadyExistsException implements PosixFailure {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int code;

    Exists(String file, String other, String operation, int code, String reason) {
      super(file, other, reason);
      this.operation = operation;
      this.code = code;
    }

    @Override
    public Errno errno() {
      return Errno.of(code);
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public String operation() {
      return operation;
    }
  }

  /** ENOTEMPTY. */
  public static final class NotEmpty extends DirectoryNotEmptyException implements PosixFailure {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int code;
    private final String reason;

    NotEmpty(String file, String operation, int code, String reason) {
      super(file);
      this.operation = operation;
      this.code = code;
      this.reason = reason;
    }

    @Override
    public String getReason() {
      return reason;
    }

    @Override
    public String getMessage() {
      return getFile() + ": " + reason;
    }

    @Override
    public Errno errno() {
      return Errno.of(code);
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public String operation() {
      return operation;
    }
  }

  /** ENOTDIR. */
  public static final class NotDirectory extends NotDirectoryException implements PosixFailure {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int code;
    private final String reason;

    NotDirectory(String file, String operation, int code, String reason) {
      super(file);
      this.operation = operation;
      this.code = code;
      this.reason = reason;
    }

    @Override
    public String getReason() {
      return reason;
    }

    @Override
    public String getMessage() {
      return getFile() + ": " + reason;
    }

    @Override
    public Errno errno() {
      return Errno.of(code);
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public String operation() {
      return operation;
    }
  }
}
