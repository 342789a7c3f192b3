package dev.pacha;

/**
 * A failure with a message meant for the operator: one line that says what went wrong and, where
 * possible, what to do next. The {@link Kind} decides the exit code (see cli.ExitCodes).
 */
public class PachaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure this is; each kind has one exit code. */
  public enum Kind {
    /** Something failed that retrying will not fix by itself. */
    FAILED,
    /** A bad command line or configuration. */
    USAGE,
    /** The master could not be reached or refused us; a retry may help. */
    UNREACHABLE,
    /** Data on the master does not match its manifest. */
    INTEGRITY,
    /** A hook script failed. */
    HOOK,
    /** Another pacha run holds the lock. */
    LOCKED,
    /** An outside program pacha drives (packer) is not installed or cannot run. */
    TOOL_MISSING,
    /** The run was interrupted (Ctrl-C, SIGTERM) or cancelled, and stopped cleanly. */
    CANCELLED
  }

  private final Kind kind;

  public PachaException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public PachaException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static PachaException usage(String message) {
    return new PachaException(Kind.USAGE, message);
  }

  public static PachaException failed(String message, Throwable cause) {
    return new PachaException(Kind.FAILED, message, cause);
  }

  public static PachaException unreachable(String message, Throwable cause) {
    return new PachaException(Kind.UNREACHABLE, message, cause);
  }

  public static PachaException integrity(String message) {
    return new PachaException(Kind.INTEGRITY, message);
  }
}
