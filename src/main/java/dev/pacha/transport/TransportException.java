package dev.pacha.transport;

import java.io.IOException;

/**
 * The master could not be reached, refused us, or the connection broke. Maps to exit code 3:
 * retrying may help.
 */
public class TransportException extends IOException {
  private static final long serialVersionUID = 1L;

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }

  public TransportException(String message) {
    super(message);
  }
}
