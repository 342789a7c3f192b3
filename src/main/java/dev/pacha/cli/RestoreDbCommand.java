package dev.pacha.cli;

import dev.pacha.rebuild.RebuildService;
import dev.pacha.track.TrackedState;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** pacha restore-db HOST: bring back which paths HOST tracked, so this machine pushes as HOST. */
@Command(
    name = "restore-db",
    mixinStandardHelpOptions = true,
    description =
        "Bring back HOST's tracking state (its tracked paths) from its latest snapshot; this machine then pushes as HOST.")
final class RestoreDbCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HostParameter host;

  @Mixin TargetRootOption target;

  @Override
  public Integer call() {
    return run(spec, host.host, target.resolved());
  }

  static int run(CommandSpec spec, String host, Path targetRoot) {
    Cli.Context ctx = Cli.context(spec);
    TrackedState s =
        new RebuildService(Cli.config(spec), ctx.sshUser(false), ConsoleReporter.of(spec, false))
            .restoreDb(host, targetRoot);
    ctx.out()
        .println("Restored the tracking database of " + host + ": " + String.join(", ", s.roots()));
    return ExitCodes.OK;
  }
}
