package dev.pacha.transport;

import java.io.IOException;

/**
 * ssh refused its own configuration (a bad option in the ssh config or in pacha's keys): exit code
 * 2, since trying again will not help.
 */
public class SshConfigException extends IOException {
  private static final long serialVersionUID = 1L;

  public SshConfigException(String message) {
    super(message);
  }
}
