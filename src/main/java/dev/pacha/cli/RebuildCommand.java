package dev.pacha.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** pacha rebuild HOST: put a dead host's files back on this machine. */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild HOST on this machine from its latest snapshot on the master:",
      "fetch and verify every file, run pre-hooks, put every tracked path back",
      "(what stood there goes to the backups dir), restore owner/group/mode, run post-hooks."
    })
final class RebuildCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HostParameter host;

  @Mixin RebuildOptions options;

  @Override
  public Integer call() {
    return Rebuilds.run(spec, host.host, options);
  }
}
