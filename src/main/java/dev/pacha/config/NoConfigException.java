package dev.pacha.config;

import java.nio.file.Path;
import java.util.List;

/** No configuration file was found in any of the places pacha looks (exit code 2). */
public class NoConfigException extends ConfigException {
  private static final long serialVersionUID = 1L;
  private final List<Path> searched;

  public NoConfigException(List<Path> searched) {
    super("no configuration file found; run: pacha --add-config /path/to/config");
    this.searched = List.copyOf(searched);
  }

  /** The places looked at, in order. */
  public List<Path> searched() {
    return searched;
  }
}
