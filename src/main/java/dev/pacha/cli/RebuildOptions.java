package dev.pacha.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of a rebuild, shared by `pacha rebuild HOST` and `pacha --rebuild HOST`. */
public final class RebuildOptions {
  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Option(
      names = "--unattended",
      description = "Run with nobody at the console (first boot): no prompt, no progress lines.")
  boolean unattended;

  @Option(
      names = "--directory",
      paramLabel = "NAME",
      description = "Restore only this tracked directory (its path or base name); no hooks run.")
  String directory;

  @Option(
      names = "--snapshot",
      paramLabel = "ID",
      description =
          "Rebuild this snapshot (an id or unique prefix, see `pacha log HOST`) instead of the latest.")
  String snapshot;

  @Option(
      names = "--dry-run",
      description =
          "Print what would be placed, replaced and backed up, and which hooks would run; change nothing.")
  boolean dryRun;

  @Mixin TargetRootOption target = new TargetRootOption();

  @Mixin JsonOption output = new JsonOption();

  @Mixin QuietOption quiet = new QuietOption();

  /** Whether any rebuild-only option was given (--target-root is --watch's too). */
  boolean touched() {
    return yes
        || unattended
        || directory != null
        || snapshot != null
        || dryRun
        || output.json
        || quiet.quiet;
  }
}
