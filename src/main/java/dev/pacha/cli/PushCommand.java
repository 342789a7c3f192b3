package dev.pacha.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** pacha push: push the tracked paths now. */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = "Push every tracked path to the master now (only new contents are uploaded).")
final class PushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    return Pushes.push(spec, output.json);
  }
}
