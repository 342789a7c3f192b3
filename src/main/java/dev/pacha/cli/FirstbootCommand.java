package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.config.PachaConfig;
import dev.pacha.json.Json;
import dev.pacha.rebuild.FirstBootService;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** pacha firstboot: the first-boot rebuild runner (what pacha-rebuild.service runs). */
@Command(
    name = "firstboot",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild the host named by pacha.hostname, unattended, once per instance: fetch the key",
      "if pacha.boot.secrets says so, wait for the master with backoff up to pacha.boot.deadline,",
      "write the status file, then enable and start pacha-daemon.service.",
      "On failure: pacha.boot.on_failure = degrade exits 0 (the status says failed); fail exits",
      "with the rebuild's code so the unit fails."
    })
final class FirstbootCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--status-file",
      paramLabel = "FILE",
      description = "Default: <state dir>/rebuild-status.json.")
  Path statusFile;

  @Option(names = "--no-daemon", description = "Do not start the push daemon afterwards.")
  boolean noDaemon;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      hidden = true,
      description = "Override the instance id (tests).")
  String instanceId;

  @Option(
      names = "--target-root",
      paramLabel = "DIR",
      hidden = true,
      description = "Place files under DIR (tests).")
  Path targetRoot;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    PachaConfig config = Cli.config(spec);
    Cli.Context ctx = Cli.context(spec);
    ConsoleReporter reporter = ConsoleReporter.of(spec, output.json);
    FirstBootService.Request req =
        new FirstBootService.Request(
            statusFile != null ? statusFile : config.stateDir().resolve("rebuild-status.json"),
            Optional.ofNullable(instanceId),
            !noDaemon,
            targetRoot == null ? Path.of("/") : targetRoot.toAbsolutePath().normalize());
    FirstBootService service =
        new FirstBootService(config, ctx.sshUser(true), reporter, d -> Thread.sleep(d.toMillis()));
    FirstBootService.Status status;
    try {
      status = service.run(req, ExitCodes::of);
    } catch (PachaException e) {
      if (config.boot().failOnError()) {
        throw e;
      }
      // degrade: the boot carries on; the status file says what failed.
      ctx.err()
          .println(
              "pacha: first-boot rebuild failed ("
                  + e.getMessage()
                  + "); carrying on (pacha.boot.on_failure = degrade)");
      return ExitCodes.OK;
    }
    if (output.json) {
      ctx.out().println(Json.write(status));
    } else {
      ctx.out()
          .println(
              "First boot: "
                  + status.result()
                  + " for "
                  + status.host()
                  + " (instance "
                  + status.instanceId()
                  + ")");
    }
    return ExitCodes.OK;
  }
}
