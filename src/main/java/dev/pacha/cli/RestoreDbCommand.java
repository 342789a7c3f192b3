package dev.pacha.cli;

import dev.pacha.rebuild.RebuildService;
import dev.pacha.track.TrackedState;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** pacha restore-db HOST: bring back which paths HOST tracked, so this machine pushes as HOST. */
@Command(
    name = "restore-db",
    mixinStandardHelpOptions = true,
    description =
        "Bring back HOST's tracking state (its tracked paths) from its latest snapshot; this machine then pushes as HOST.")
final class RestoreDbCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "HOST")
  String host;

  @Option(names = "--target-root", paramLabel = "DIR", description = "Tracked paths lie under DIR.")
  Path targetRoot;

  @Override
  public Integer call() {
    return run(spec, host, targetRoot);
  }

  static int run(CommandSpec spec, String host, Path targetRoot) {
    Cli.Context ctx = Cli.context(spec);
    TrackedState s =
        new RebuildService(
                Cli.config(spec), ctx.sshUser(false), new ConsoleReporter(ctx, false, false))
            .restoreDb(
                host, targetRoot == null ? Path.of("/") : targetRoot.toAbsolutePath().normalize());
    ctx.out()
        .println("Restored the tracking database of " + host + ": " + String.join(", ", s.roots()));
    return ExitCodes.OK;
  }
}
