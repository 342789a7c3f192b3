package dev.pacha.config;

import dev.pacha.PachaException;

/** A configuration problem: exit code 2, one line naming the key, the value and what is allowed. */
public class ConfigException extends PachaException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(Kind.USAGE, message);
  }
}
