package dev.pacha.cli;

import dev.pacha.demo.DemoService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** pacha demo: the seed's crash story on an embedded master ({@link DemoService}). */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the seed's crash story on an embedded master: bar tracks /opt/foo (in a sandbox),",
      "pushes, crashes, and is rebuilt with its hooks. Exits 0 only if the rebuilt tree matches",
      "the original exactly. Needs no setup and changes nothing outside its work directory."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where to run (default: a new temporary directory).")
  Path workDir;

  @Option(names = "--keep", description = "Keep the work directory afterwards, to look around.")
  boolean keep;

  @Override
  public Integer call() {
    Cli.Context ctx = Cli.context(spec);
    // Each step runs through this same command line, as a user would type it.
    DemoService.Pacha pacha = args -> Cli.execute(args, ctx);
    DemoService.Result r =
        new DemoService(ConsoleReporter.of(spec, false), pacha).run(workDir, keep);
    return r.ok() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
