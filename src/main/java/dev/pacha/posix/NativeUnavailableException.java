package dev.pacha.posix;

import dev.pacha.PachaException;

/**
 * The native layer cannot run here: JNA's library could not be loaded, or the C library lacks a
 * call pacha needs. The message is one line naming what was tried and what to do.
 */
public final class NativeUnavailableException extends PachaException {
  private static final long serialVersionUID = 1L;

  NativeUnavailableException(String message, Throwable cause) {
    super(Kind.FAILED, message, cause);
  }
}
