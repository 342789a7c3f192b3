package dev.pacha.cli;

import picocli.CommandLine.Option;

/** -q/--quiet, for commands that show progress. */
public final class QuietOption {
  @Option(
      names = {"-q", "--quiet"},
      description = "Print only warnings and errors (no progress).")
  boolean quiet;
}
