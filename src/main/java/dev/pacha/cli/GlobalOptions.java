package dev.pacha.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes, before or after the command name. */
public final class GlobalOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "Config file for this run (else PACHA_CONFIG, the --add-config path, /etc/pacha/pacha.conf).")
  Path config;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Say more about what is happening.")
  boolean verbose;

  @Option(
      names = "--stacktrace",
      hidden = true,
      scope = ScopeType.INHERIT,
      description = "Show the Java stack trace of an error.")
  boolean stacktrace;
}
