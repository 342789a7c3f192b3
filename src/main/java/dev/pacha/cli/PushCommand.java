package dev.pacha.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** pacha push: push the tracked paths now. */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = "Push every tracked path to the master now (only new contents are uploaded).")
final class PushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    return Pushes.push(spec, json);
  }
}
