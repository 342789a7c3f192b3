package dev.pacha.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** pacha watch [PATH]: start tracking a directory (or a file) and push it at once. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description =
        "Track a directory (default: the current one), or one file with --single, and push it now.")
final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "0..1", description = "Directory to track (default: .).")
  Path path;

  @Option(names = "--single", description = "PATH is one file (the same as --watch-single).")
  boolean single;

  @Mixin TargetRootOption target;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    return Pushes.watch(
        spec, path == null ? Path.of(".") : path, single, target.resolved(), output.json);
  }
}
