package dev.pacha.rebuild;

import dev.pacha.PachaException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A rebuild step failed after the rebuild started: the rebuild cleans up, writes its report and
 * ends with {@link RebuildFailedException}. Other exceptions from a step (a snapshot that does not
 * exist, a bad --directory) end it before anything was started, with no report. This is also the
 * one place where a rebuild turns an exception into words for the operator ({@link #describe}).
 */
final class StepFailure extends PachaException {
  private static final long serialVersionUID = 1L;

  StepFailure(Kind kind, String message) {
    super(kind, message);
  }

  /** Exit code 1: {@code what}, then why, in the operator's words. */
  static StepFailure failed(String what, Exception cause) {
    StepFailure f = new StepFailure(Kind.FAILED, what + ": " + describe(cause));
    f.initCause(cause);
    return f;
  }

  /**
   * An exception as one phrase: "permission denied: /opt/foo", "No space left on device: /x"; a
   * message of our own as it is.
   */
  static String describe(Exception e) {
    String m = e.getMessage();
    if (e instanceof NoSuchFileException) {
      return "no such file or directory: " + m;
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + m;
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + ": " + f.getFile();
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
