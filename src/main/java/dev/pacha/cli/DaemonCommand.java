package dev.pacha.cli;

import dev.pacha.PachaException;
import dev.pacha.Reporter;
import dev.pacha.config.PachaConfig;
import dev.pacha.daemon.DaemonControl;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** pacha daemon start|stop|status|run-once|foreground: the periodic push. */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = {
      "The push daemon: pushes changed tracked paths every pacha.frequency seconds.",
      "  start       start it in the background (pid file in the state dir)",
      "  stop        stop it (it finishes the push under way)",
      "  status      exit 0 when it runs, 1 when not",
      "  run-once    push once if anything changed (for cron)",
      "  foreground  run it in the foreground (for systemd)"
    })
final class DaemonCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ACTION", description = "start, stop, status, run-once or foreground")
  String action;

  @Override
  public Integer call() {
    return run(spec, action);
  }

  static int run(CommandSpec spec, String action) {
    if (!List.of("start", "stop", "status", "run-once", "foreground").contains(action)) {
      throw new ParameterException(
          spec.commandLine(),
          "unknown daemon action '"
              + action
              + "'; use start, stop, status, run-once or foreground");
    }
    PachaConfig config = Cli.config(spec);
    Cli.Context ctx = Cli.context(spec);
    DaemonControl control = new DaemonControl(config, ctx.sshUser(true));
    switch (action) {
      case "start" -> {
        DaemonControl.Started s =
            control.start(
                List.of(
                    "dev.pacha.Main",
                    "--config",
                    config.source().toString(),
                    "daemon",
                    "foreground"));
        ctx.out()
            .println(
                s.already()
                    ? "The push daemon already runs (pid " + s.pid() + ")"
                    : "Started the push daemon (pid "
                        + s.pid()
                        + "); output: "
                        + control.logFile());
        return ExitCodes.OK;
      }
      case "stop" -> {
        Optional<Long> pid = control.stop();
        ctx.out()
            .println(
                pid.map(p -> "Stopped the push daemon (pid " + p + ")")
                    .orElse("The push daemon is not running"));
        return ExitCodes.OK;
      }
      case "status" -> {
        Optional<ProcessHandle> p = control.running();
        ctx.out()
            .println(
                p.map(h -> "The push daemon runs (pid " + h.pid() + ")")
                    .orElse("The push daemon is not running"));
        return p.isPresent() ? ExitCodes.OK : ExitCodes.FAILED;
      }
      case "run-once" -> {
        if (!control.runOnce(reporter(spec, config))) {
          throw PachaException.unreachable(
              "the push did not complete; it is retried on the next run", null);
        }
        return ExitCodes.OK;
      }
      default -> {
        control.runForeground(reporter(spec, config));
        return ExitCodes.OK;
      }
    }
  }

  /** Steps on the console, and in the log file when pacha.log.enable says so. */
  private static Reporter reporter(CommandSpec spec, PachaConfig config) {
    return LogFileReporter.wrap(ConsoleReporter.of(spec, false), config.log());
  }
}
